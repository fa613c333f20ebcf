"""Parity: our BERT layers against torch.nn.TransformerEncoderLayer (post-norm, exact GELU, eps
1e-12, batch-first) on the same random weights, with a padding mask; compared on valid tokens.
The weights travel in HuggingFace's bert-base-uncased layout (LayerNorm gamma/beta) through our
importer."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(__file__))
import safetensors_io  # noqa: E402

PROBE = sys.argv[1]
HIDDEN, HEADS, FFN, LAYERS, TOKENS = 64, 4, 128, 4, 20


def huggingface_names(index, layer):
    prefix = f"bert.encoder.layer.{index}."
    q, k, v = layer.self_attn.in_proj_weight.chunk(3)
    qb, kb, vb = layer.self_attn.in_proj_bias.chunk(3)
    return {
        prefix + "attention.self.query.weight": q, prefix + "attention.self.query.bias": qb,
        prefix + "attention.self.key.weight": k, prefix + "attention.self.key.bias": kb,
        prefix + "attention.self.value.weight": v, prefix + "attention.self.value.bias": vb,
        prefix + "attention.output.dense.weight": layer.self_attn.out_proj.weight,
        prefix + "attention.output.dense.bias": layer.self_attn.out_proj.bias,
        prefix + "attention.output.LayerNorm.gamma": layer.norm1.weight,
        prefix + "attention.output.LayerNorm.beta": layer.norm1.bias,
        prefix + "intermediate.dense.weight": layer.linear1.weight,
        prefix + "intermediate.dense.bias": layer.linear1.bias,
        prefix + "output.dense.weight": layer.linear2.weight,
        prefix + "output.dense.bias": layer.linear2.bias,
        prefix + "output.LayerNorm.gamma": layer.norm2.weight,
        prefix + "output.LayerNorm.beta": layer.norm2.bias,
    }


class BertParity(unittest.TestCase):
    def test_layers_match_transformer_encoder_layers(self):
        torch.manual_seed(0)
        layers = [nn.TransformerEncoderLayer(HIDDEN, HEADS, FFN, dropout=0.0, activation="gelu",
                                             layer_norm_eps=1e-12, batch_first=True, norm_first=False)
                  for _ in range(LAYERS)]
        state = {}
        with torch.no_grad():
            for index, layer in enumerate(layers):
                for name, parameter in layer.named_parameters():
                    parameter.copy_(torch.randn_like(parameter) * 0.2 + (1.0 if "norm" in name and
                                                                         name.endswith("weight") else 0.0))
                layer.eval()
                state.update(huggingface_names(index, layer))

        x = torch.randn(3, TOKENS, HIDDEN)
        lengths = [20, 9, 4]
        mask = torch.zeros(3, TOKENS, dtype=torch.int64)
        for row, length in enumerate(lengths):
            mask[row, :length] = 1
        with torch.no_grad():
            expected = x
            for layer in layers:
                expected = layer(expected, src_key_padding_mask=(mask == 0))

        config = {"bert": {"hidden": HIDDEN, "heads": HEADS, "intermediate": FFN, "layers": LAYERS,
                           "max_positions": 64}}
        with tempfile.TemporaryDirectory() as folder:
            weights = os.path.join(folder, "bert_hf.safetensors")
            inputs = os.path.join(folder, "inputs.safetensors")
            result = os.path.join(folder, "outputs.safetensors")
            safetensors_io.write(weights, state)
            safetensors_io.write(inputs, {"hidden": x, "attention_mask": mask})
            run = subprocess.run([PROBE, "bert", json.dumps(config), weights, inputs, result],
                                 capture_output=True, text=True)
            self.assertEqual(run.returncode, 0, run.stderr)
            ours = safetensors_io.read(result)[0]["hidden"]

        for row, length in enumerate(lengths):
            difference = (ours[row, :length] - expected[row, :length]).abs().max().item()
            print(f"sequence {row} ({length} valid tokens): max |diff| = {difference:.3g}")
            self.assertLessEqual(difference, 1e-4)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
