"""Parity: our Swin stages against torchvision's SwinTransformer (Debian's python3-torchvision) on
the same random weights, at an input size that needs padding in every stage and a shift on one
axis only. The weights travel in timm's layout through our importer, by a name map."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

import torch
from torchvision.models.swin_transformer import SwinTransformer

sys.path.insert(0, os.path.dirname(__file__))
import safetensors_io  # noqa: E402

PROBE = sys.argv[1]
EMBED, DEPTHS, HEADS, WINDOW = 32, [2, 2, 2, 2], [1, 2, 4, 8], 7
HEIGHT, WIDTH = 124, 92  # stages 31x23, 16x12, 8x6, 4x3: padding everywhere, one-axis shift at stage 3


def timm_name(name):
    """torchvision's parameter name -> timm's (swin_base_patch4_window12_384 layout)."""
    parts = name.split(".")
    if parts[0] == "features":
        index = int(parts[1])
        if index == 0:
            return ("patch_embed.proj." if parts[2] == "0" else "patch_embed.norm.") + parts[3]
        if index % 2 == 1:  # a stage's blocks
            stage = (index - 1) // 2
            rest = ".".join(parts[3:]).replace("mlp.0.", "mlp.fc1.").replace("mlp.3.", "mlp.fc2.")
            return f"layers.{stage}.blocks.{parts[2]}.{rest}"
        return f"layers.{index // 2}.downsample." + ".".join(parts[2:])  # merging starts the next stage
    if parts[0] == "norm":
        return name
    if parts[0] == "head":
        return "head.fc." + parts[1]
    raise KeyError(name)


class SwinParity(unittest.TestCase):
    def test_stage_outputs_match_torchvision(self):
        torch.manual_seed(0)
        model = SwinTransformer(patch_size=[4, 4], embed_dim=EMBED, depths=DEPTHS, num_heads=HEADS,
                                window_size=[WINDOW, WINDOW], stochastic_depth_prob=0.0, num_classes=10)
        with torch.no_grad():
            for name, parameter in model.named_parameters():
                parameter.copy_(torch.randn_like(parameter) * (0.3 if "norm" not in name else 0.1)
                                + (1.0 if name.endswith("norm1.weight") or name.endswith("norm2.weight") else 0.0))
        model.eval()
        image = torch.randn(2, 3, HEIGHT, WIDTH)
        outputs = {}
        with torch.no_grad():
            x = image
            for index, layer in enumerate(model.features):
                x = layer(x)
                if index % 2 == 1:
                    outputs[f"stage{index // 2}"] = x.clone()

        state = {timm_name(k): v for k, v in model.state_dict().items()}
        self.assertIn("layers.2.blocks.0.attn.relative_position_index", state)  # dropped by the importer
        config = {"swin": {"embed_dim": EMBED, "depths": DEPTHS, "heads": HEADS, "window": WINDOW}}
        with tempfile.TemporaryDirectory() as folder:
            weights = os.path.join(folder, "swin_timm.safetensors")
            inputs = os.path.join(folder, "inputs.safetensors")
            result = os.path.join(folder, "outputs.safetensors")
            safetensors_io.write(weights, state)
            safetensors_io.write(inputs, {"image": image})
            run = subprocess.run([PROBE, "swin", json.dumps(config), weights, inputs, result],
                                 capture_output=True, text=True)
            self.assertEqual(run.returncode, 0, run.stderr)
            ours, _ = safetensors_io.read(result)

        for stage in range(4):
            key = f"stage{stage}"
            with self.subTest(stage=stage):
                self.assertEqual(ours[key].shape, outputs[key].shape)
                difference = (ours[key] - outputs[key]).abs().max().item()
                print(f"{key} {tuple(outputs[key].shape)} max |diff| = {difference:.3g}")
                self.assertLessEqual(difference, 1e-4)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
