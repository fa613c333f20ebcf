"""Small public-layout backbone checkpoints and a matching model configuration, for the CLI tests
of `model import-backbones` and `query`.

The timm Swin and HuggingFace BERT key layouts come from tests/core/model/make_backbone_fixtures.py
(imported, not copied): its generators read their sizes from module constants, which checkpoints()
sets to the sizes of a BtddnetConfig for the duration of one call.
"""
import contextlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "parity"))
sys.path.insert(0, os.path.join(HERE, "..", "core", "model"))
import make_backbone_fixtures  # noqa: E402
import safetensors_io  # noqa: E402

VOCAB = os.path.join(HERE, "..", "..", "resources", "vocab", "bert-base-uncased-vocab.txt")

# The tiny preset's backbones (BtddnetConfig::tiny()) at a 64 px input, so that a tile takes
# milliseconds on the CPU. Keys as BtddnetConfig::toJson writes them.
SMALL_CONFIG = {
    "swin": {"patch_size": 4, "in_channels": 3, "embed_dim": 32, "depths": [1, 1, 2, 1], "heads": [1, 2, 4, 8],
             "window": 7, "mlp_ratio": 4.0, "drop_path": 0.1, "layer_norm_eps": 1e-5},
    "bert": {"vocabulary_size": 30522, "hidden": 64, "layers": 4, "heads": 4, "intermediate": 128,
             "max_positions": 64, "type_vocabulary_size": 2, "layer_norm_eps": 1e-12,
             "hidden_dropout": 0.1, "attention_dropout": 0.1},
    "stages": 4, "decoder_dim": 32, "max_tokens": 20, "image_size": 64, "mci_layers": 1, "mci_heads": 4,
}


@contextlib.contextmanager
def _sized_like(config):
    """Points make_backbone_fixtures' size constants at `config` while the block runs."""
    swin, bert = config["swin"], config["bert"]
    sizes = {"EMBED": swin["embed_dim"], "DEPTHS": list(swin["depths"]), "HEADS": list(swin["heads"]),
             "WINDOW": swin["window"], "HIDDEN": bert["hidden"], "LAYERS": bert["layers"],
             "VOCAB": bert["vocabulary_size"], "POSITIONS": bert["max_positions"],
             "INTERMEDIATE": bert["intermediate"]}
    saved = {name: getattr(make_backbone_fixtures, name) for name in sizes}
    for name, value in sizes.items():
        setattr(make_backbone_fixtures, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(make_backbone_fixtures, name, value)


def checkpoints(config=SMALL_CONFIG):
    """(swin, bert) tensor dictionaries in the public layouts (timm >= 0.9 Swin with head.fc and the
    final norm; bert-base-uncased with the "bert." prefix, LayerNorm gamma/beta, pooler and cls),
    shaped for `config`. Deterministic (the generators seed torch)."""
    with _sized_like(config):
        return (make_backbone_fixtures.swin_checkpoint(old_layout=False),
                make_backbone_fixtures.bert_checkpoint(prefixed=True))


def write_checkpoints(folder, config=SMALL_CONFIG):
    """Writes swin.safetensors, bert.safetensors and config.json into `folder`; returns their paths."""
    swin, bert = checkpoints(config)
    paths = {name: os.path.join(folder, name) for name in ("swin.safetensors", "bert.safetensors", "config.json")}
    safetensors_io.write(paths["swin.safetensors"], swin, {"format": "pt"})
    safetensors_io.write(paths["bert.safetensors"], bert, {"format": "pt"})
    with open(paths["config.json"], "w", encoding="utf-8") as out:
        json.dump(config, out, indent=2)
    return paths["swin.safetensors"], paths["bert.safetensors"], paths["config.json"]


def expected_backbone_tensors(swin, bert):
    """What BTDDNet's swin.* and bert.* parameters must be after the documented renames: timm's head.*,
    final norm.*, relative_position_index and attn_mask dropped; BERT's "bert." prefix stripped, LayerNorm
    gamma/beta -> weight/bias, cls.*, pooler.* and position_ids dropped; both re-prefixed."""
    expected = {}
    for key, value in swin.items():
        if key.startswith(("head.", "norm.")) or key.endswith((".relative_position_index", ".attn_mask")):
            continue
        expected["swin." + key] = value
    for key, value in bert.items():
        if key.startswith("cls.") or key.endswith("position_ids"):
            continue
        name = key[len("bert."):] if key.startswith("bert.") else key
        if name.startswith("pooler."):
            continue
        if name.endswith(".LayerNorm.gamma"):
            name = name[:-len("gamma")] + "weight"
        elif name.endswith(".LayerNorm.beta"):
            name = name[:-len("beta")] + "bias"
        expected["bert." + name] = value
    return expected


def build_model(cli, folder, config=SMALL_CONFIG, seed=0):
    """Writes the checkpoints into `folder` and runs `model import-backbones`; returns the model path."""
    import subprocess

    swin, bert, config_path = write_checkpoints(folder, config)
    model = os.path.join(folder, "small.refermap")
    result = subprocess.run([cli, "model", "import-backbones", "--swin", swin, "--bert", bert, "--vocab", VOCAB,
                             "--config", config_path, "--seed", str(seed), "-o", model],
                            capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        raise RuntimeError(f"model import-backbones failed ({result.returncode}): {result.stderr}")
    return model
