#!/usr/bin/env python3
"""Tiny stand-ins for the public backbone checkpoints, for backbone_importer_test.

Writes, with the EXACT key names and shape rules of timm's swin_base_patch4_window12_384 (.ms_in22k)
and HuggingFace's bert-base-uncased model.safetensors, but at toy sizes:
  swin_new.safetensors       timm >= 0.9 layout (patch merging at the start of stages 1..3, head.fc.*)
  swin_old.safetensors       older timm layout (merging at the end of stages 0..2, head.*, attn_mask)
  swin_unknown.safetensors   swin_new plus keys no importer knows
  swin_expected_w7.safetensors  every relative_position_bias_table resized 12 -> 7 by torch's own
                             F.interpolate(mode='bicubic', align_corners=False): the parity reference
  bert.safetensors           bert-base-uncased naming ("bert." prefix, LayerNorm gamma/beta, pooler, cls)
  bert_bare.safetensors      the same weights as a bare BertModel saves them (no prefix, weight/bias)
  bert_unknown.safetensors   bert plus a key no importer knows

The safetensors package is not installed: files are written by tests/parity/safetensors_io.py in the
reference layout (8-byte little-endian header length, JSON header padded with spaces to 8 bytes).

  make_backbone_fixtures.py --out DIR   write the fixtures
  make_backbone_fixtures.py --self-test check this writer against its own reader and torch's
                                        bicubic identity, without writing anything to keep
"""

import argparse
import json
import os
import struct
import sys
import tempfile

import torch
import torch.nn.functional as F

# One safetensors reader/writer for every Python test: tests/parity/safetensors_io.py.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "parity"))
import safetensors_io  # noqa: E402

write_safetensors = safetensors_io.write
read_safetensors = safetensors_io.read


# Swin-B at toy size: embed 8 (real 128), depths 2/2/2/2 (real 2/2/18/2), heads 1/1/2/2 (real
# 4/8/16/32), window 12 as in the real checkpoint, 10 classes (real 21841).
EMBED = 8
DEPTHS = [2, 2, 2, 2]
HEADS = [1, 1, 2, 2]
WINDOW = 12
TARGET_WINDOW = 7
CLASSES = 10

# BERT at toy size: hidden 16 (real 768), 2 layers (real 12), vocab 64 (real 30522), 32 positions
# (real 512), intermediate 64 (real 3072).
HIDDEN = 16
LAYERS = 2
VOCAB = 64
POSITIONS = 32
INTERMEDIATE = 64


def relative_position_index(window):
    coords = torch.stack(torch.meshgrid(torch.arange(window), torch.arange(window), indexing="ij")).flatten(1)
    relative = (coords[:, :, None] - coords[:, None, :]).permute(1, 2, 0).contiguous()
    relative[:, :, 0] += window - 1
    relative[:, :, 1] += window - 1
    relative[:, :, 0] *= 2 * window - 1
    return relative.sum(-1)


def swin_block(prefix, dim, heads, old_layout, shifted):
    table_rows = (2 * WINDOW - 1) ** 2
    block = {
        prefix + "norm1.weight": 1 + 0.1 * torch.randn(dim), prefix + "norm1.bias": 0.1 * torch.randn(dim),
        prefix + "attn.relative_position_bias_table": 0.02 * torch.randn(table_rows, heads),
        prefix + "attn.relative_position_index": relative_position_index(WINDOW),
        prefix + "attn.qkv.weight": torch.randn(3 * dim, dim), prefix + "attn.qkv.bias": torch.randn(3 * dim),
        prefix + "attn.proj.weight": torch.randn(dim, dim), prefix + "attn.proj.bias": torch.randn(dim),
        prefix + "norm2.weight": 1 + 0.1 * torch.randn(dim), prefix + "norm2.bias": 0.1 * torch.randn(dim),
        prefix + "mlp.fc1.weight": torch.randn(4 * dim, dim), prefix + "mlp.fc1.bias": torch.randn(4 * dim),
        prefix + "mlp.fc2.weight": torch.randn(dim, 4 * dim), prefix + "mlp.fc2.bias": torch.randn(dim),
    }
    if old_layout and shifted:
        # Older timm stored the shifted-window mask as a persistent buffer: [windows, N, N].
        block[prefix + "attn_mask"] = torch.zeros(4, WINDOW * WINDOW, WINDOW * WINDOW)
    return block


def swin_checkpoint(old_layout):
    torch.manual_seed(0)  # the same weights in both layouts
    tensors = {
        "patch_embed.proj.weight": torch.randn(EMBED, 3, 4, 4), "patch_embed.proj.bias": torch.randn(EMBED),
        "patch_embed.norm.weight": torch.randn(EMBED), "patch_embed.norm.bias": torch.randn(EMBED),
    }
    merges = {}
    for stage, (depth, heads) in enumerate(zip(DEPTHS, HEADS)):
        dim = EMBED * 2 ** stage
        for block in range(depth):
            tensors.update(swin_block(f"layers.{stage}.blocks.{block}.", dim, heads, old_layout, block % 2 == 1))
        if stage > 0:
            # PatchMerging from stage-1 (dim/2) into stage (dim): norm over 4 * dim/2, reduction to dim.
            merges[stage] = {"norm.weight": torch.randn(2 * dim), "norm.bias": torch.randn(2 * dim),
                             "reduction.weight": torch.randn(dim, 2 * dim)}
    for stage, merge in merges.items():
        owner = stage - 1 if old_layout else stage
        for name, value in merge.items():
            tensors[f"layers.{owner}.downsample.{name}"] = value
    final = EMBED * 2 ** (len(DEPTHS) - 1)
    tensors["norm.weight"] = torch.randn(final)
    tensors["norm.bias"] = torch.randn(final)
    head = "head." if old_layout else "head.fc."
    tensors[head + "weight"] = torch.randn(CLASSES, final)
    tensors[head + "bias"] = torch.randn(CLASSES)
    return tensors


def resized_tables(tensors, window):
    side = 2 * window - 1
    expected = {}
    for name, table in tensors.items():
        if name.endswith(".relative_position_bias_table"):
            old_side = int(round(table.shape[0] ** 0.5))
            grid = table.t().reshape(1, -1, old_side, old_side)
            resized = F.interpolate(grid, size=(side, side), mode="bicubic", align_corners=False)
            expected[name] = resized.reshape(table.shape[1], side * side).t().contiguous()
    return expected


def bert_checkpoint(prefixed):
    torch.manual_seed(1)
    root = "bert." if prefixed else ""
    gamma, beta = ("gamma", "beta") if prefixed else ("weight", "bias")
    tensors = {
        root + "embeddings.word_embeddings.weight": torch.randn(VOCAB, HIDDEN),
        root + "embeddings.position_embeddings.weight": torch.randn(POSITIONS, HIDDEN),
        root + "embeddings.token_type_embeddings.weight": torch.randn(2, HIDDEN),
        root + "embeddings.LayerNorm." + gamma: torch.randn(HIDDEN),
        root + "embeddings.LayerNorm." + beta: torch.randn(HIDDEN),
        root + "embeddings.position_ids": torch.arange(POSITIONS, dtype=torch.int64).unsqueeze(0),
    }
    for i in range(LAYERS):
        layer = f"{root}encoder.layer.{i}."
        for part in ("query", "key", "value"):
            tensors[layer + f"attention.self.{part}.weight"] = torch.randn(HIDDEN, HIDDEN)
            tensors[layer + f"attention.self.{part}.bias"] = torch.randn(HIDDEN)
        tensors[layer + "attention.output.dense.weight"] = torch.randn(HIDDEN, HIDDEN)
        tensors[layer + "attention.output.dense.bias"] = torch.randn(HIDDEN)
        tensors[layer + "attention.output.LayerNorm." + gamma] = torch.randn(HIDDEN)
        tensors[layer + "attention.output.LayerNorm." + beta] = torch.randn(HIDDEN)
        tensors[layer + "intermediate.dense.weight"] = torch.randn(INTERMEDIATE, HIDDEN)
        tensors[layer + "intermediate.dense.bias"] = torch.randn(INTERMEDIATE)
        tensors[layer + "output.dense.weight"] = torch.randn(HIDDEN, INTERMEDIATE)
        tensors[layer + "output.dense.bias"] = torch.randn(HIDDEN)
        tensors[layer + "output.LayerNorm." + gamma] = torch.randn(HIDDEN)
        tensors[layer + "output.LayerNorm." + beta] = torch.randn(HIDDEN)
    if prefixed:
        tensors["bert.pooler.dense.weight"] = torch.randn(HIDDEN, HIDDEN)
        tensors["bert.pooler.dense.bias"] = torch.randn(HIDDEN)
        tensors["cls.predictions.bias"] = torch.randn(VOCAB)
        tensors["cls.predictions.transform.dense.weight"] = torch.randn(HIDDEN, HIDDEN)
        tensors["cls.predictions.transform.dense.bias"] = torch.randn(HIDDEN)
        tensors["cls.predictions.transform.LayerNorm.gamma"] = torch.randn(HIDDEN)
        tensors["cls.predictions.transform.LayerNorm.beta"] = torch.randn(HIDDEN)
        tensors["cls.seq_relationship.weight"] = torch.randn(2, HIDDEN)
        tensors["cls.seq_relationship.bias"] = torch.randn(2)
    return tensors


def write_fixtures(out):
    os.makedirs(out, exist_ok=True)
    provenance = {"format": "pt"}  # what the public checkpoints carry
    swin_new = swin_checkpoint(old_layout=False)
    write_safetensors(os.path.join(out, "swin_new.safetensors"), swin_new, provenance)
    write_safetensors(os.path.join(out, "swin_old.safetensors"), swin_checkpoint(old_layout=True), provenance)
    unknown = dict(swin_new)
    unknown["layers.0.blocks.0.attn.extra_scale"] = torch.ones(1)
    unknown["absolute_pos_embed"] = torch.zeros(1, 4, EMBED)
    write_safetensors(os.path.join(out, "swin_unknown.safetensors"), unknown, provenance)
    write_safetensors(os.path.join(out, "swin_expected_w7.safetensors"), resized_tables(swin_new, TARGET_WINDOW))

    bert = bert_checkpoint(prefixed=True)
    write_safetensors(os.path.join(out, "bert.safetensors"), bert, provenance)
    write_safetensors(os.path.join(out, "bert_bare.safetensors"), bert_checkpoint(prefixed=False), provenance)
    bert_unknown = dict(bert)
    bert_unknown["bert.encoder.layer.0.attention.self.distance_embedding.weight"] = torch.zeros(3, HIDDEN)
    write_safetensors(os.path.join(out, "bert_unknown.safetensors"), bert_unknown, provenance)


def self_test():
    failures = []
    with tempfile.TemporaryDirectory() as folder:
        write_fixtures(folder)
        for name in ("swin_new", "swin_old", "bert"):
            path = os.path.join(folder, name + ".safetensors")
            with open(path, "rb") as stream:
                (length,) = struct.unpack("<Q", stream.read(8))
            if (8 + length) % 8 != 0:
                failures.append(f"{name}: header not padded to 8 bytes")
            tensors, metadata = read_safetensors(path)
            reference = swin_checkpoint(name == "swin_old") if name.startswith("swin") else bert_checkpoint(True)
            if sorted(tensors) != sorted(reference) or metadata != {"format": "pt"}:
                failures.append(f"{name}: keys or metadata differ after a round trip")
            for key, value in reference.items():
                if not torch.equal(tensors[key], value):
                    failures.append(f"{name}: {key} differs after a round trip")
        tables = resized_tables(swin_checkpoint(False), WINDOW)
        for key, table in swin_checkpoint(False).items():
            if key in tables and not torch.equal(tables[key], table):
                failures.append(f"bicubic resize to the same window is not the identity for {key}")
        expected, _ = read_safetensors(os.path.join(folder, "swin_expected_w7.safetensors"))
        shapes = {tuple(t.shape) for t in expected.values()}
        if shapes != {(169, 1), (169, 2)}:
            failures.append(f"unexpected resized table shapes {shapes}")
    for failure in failures:
        print("FAIL:", failure, file=sys.stderr)
    print("self-test:", "failed" if failures else "passed")
    return 1 if failures else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", help="folder for the fixtures")
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args()
    if args.self_test:
        return self_test()
    if not args.out:
        parser.error("--out or --self-test is required")
    write_fixtures(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
