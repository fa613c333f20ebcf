"""refermap-cli model import-backbones and model info end to end: a model built from small timm-layout
Swin and HuggingFace-layout BERT checkpoints holds their tensors (after the documented renames), `model
info --json` reports its configuration, size and provenance, and bad inputs get clear errors.

Arguments: refermap-cli.
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

import torch

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import model_fixtures  # noqa: E402
from model_fixtures import SMALL_CONFIG, VOCAB, safetensors_io  # noqa: E402

CLI = sys.argv[1]


def run(*args):
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=300)


class Folder(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls._folder = tempfile.TemporaryDirectory(prefix="refermap-model-")
        cls.folder = cls._folder.name
        cls.swin, cls.bert, cls.config = model_fixtures.write_checkpoints(cls.folder)

    @classmethod
    def tearDownClass(cls):
        cls._folder.cleanup()

    def path(self, name):
        return os.path.join(self.folder, name)

    def import_backbones(self, output, *extra, swin=None, bert=None, config=None, vocab=VOCAB):
        return run("model", "import-backbones", "--swin", swin or self.swin, "--bert", bert or self.bert,
                   "--vocab", vocab, "--config", config or self.config, "-o", output, *extra)

    def assert_failed(self, result, code, *names):
        self.assertEqual(result.returncode, code, result.stdout + result.stderr)
        self.assertEqual(result.stdout, "")
        self.assertTrue(result.stderr.startswith("refermap-cli: error: "), result.stderr)
        for name in names:
            self.assertIn(name, result.stderr)


class ImportBackbones(Folder):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.model = os.path.join(cls.folder, "small.refermap")
        cls.result = run("model", "import-backbones", "--swin", cls.swin, "--bert", cls.bert, "--vocab", VOCAB,
                         "--config", cls.config, "--seed", "7", "-o", cls.model)

    def test_writes_the_model(self):
        self.assertEqual(self.result.returncode, 0, self.result.stderr)
        self.assertEqual(self.result.stdout, f"model import-backbones: wrote {self.model}\n")
        leftovers = set(os.listdir(self.folder)) - {"swin.safetensors", "bert.safetensors", "config.json",
                                                    "small.refermap"}
        self.assertEqual(leftovers, set(), "no temporary file left beside the model")

    def test_backbone_tensors_are_the_checkpoints(self):
        self.assertEqual(self.result.returncode, 0, self.result.stderr)
        stored, metadata = safetensors_io.read(self.model)
        self.assertEqual(metadata.get("format"), "refermap-model")
        swin, bert = model_fixtures.checkpoints()
        expected = model_fixtures.expected_backbone_tensors(swin, bert)
        stored_parameters = {name for name in stored if name.startswith(("swin.", "bert."))}
        # The network may keep non-learned buffers (relative_position_index, position_ids) of its own.
        self.assertEqual(set(expected) - stored_parameters, set(), "checkpoint tensors missing from the model")
        extra = stored_parameters - set(expected)
        for name in extra:
            self.assertRegex(name, r"(relative_position_index|attn_mask|position_ids)$",
                             "a backbone tensor that no checkpoint key maps to")
        for name, value in expected.items():
            with self.subTest(tensor=name):
                self.assertEqual(tuple(stored[name].shape), tuple(value.shape))
                self.assertTrue(torch.equal(stored[name], value.to(torch.float32)))
        # BTDDNet's own parts exist and start initialised, not as copies of a backbone.
        own = [name for name in stored if name.startswith(("bsc.", "mci.", "predictor."))]
        self.assertGreater(len(own), 0)

    def test_info_json_reports_config_size_and_provenance(self):
        self.assertEqual(self.result.returncode, 0, self.result.stderr)
        result = run("model", "info", self.model, "--json")
        self.assertEqual(result.returncode, 0, result.stderr)
        info = json.loads(result.stdout)
        stored, _ = safetensors_io.read(self.model)
        self.assertEqual(info["file"], self.model)
        self.assertEqual(info["bytes"], os.path.getsize(self.model))
        self.assertEqual(info["tensors"], len(stored))
        self.assertEqual(info["parameters"], sum(tensor.numel() for tensor in stored.values()))
        with open(VOCAB, encoding="utf-8") as vocab:
            self.assertEqual(info["vocabulary_size"], len(vocab.read().splitlines()))
        self.assertEqual(info["vocabulary_size"], 30522)
        for section in ("swin", "bert"):
            for key, value in SMALL_CONFIG[section].items():
                self.assertEqual(info["config"][section][key], value, f"{section}.{key}")
        for key, value in SMALL_CONFIG.items():
            if not isinstance(value, dict):
                self.assertEqual(info["config"][key], value, key)
        provenance = info["provenance"]
        self.assertEqual(provenance["swin_checkpoint"], "swin.safetensors")
        self.assertEqual(provenance["bert_checkpoint"], "bert.safetensors")
        self.assertEqual(provenance["vocabulary_file"], "bert-base-uncased-vocab.txt")
        self.assertEqual(provenance["init_seed"], "7")

    def test_info_text(self):
        self.assertEqual(self.result.returncode, 0, self.result.stderr)
        result = run("model", "info", self.model)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("Swin:           embed 32, depths 1/1/2/1, heads 1/2/4/8, window 7", result.stdout)
        self.assertIn("BERT:           hidden 64, 4 layers, 4 heads, vocabulary 30522", result.stdout)
        self.assertIn("Input:          64 px tiles, 20 text tokens", result.stdout)
        self.assertRegex(result.stdout, r"swin_checkpoint: +swin\.safetensors")

    def test_seed_decides_own_parts_only(self):
        self.assertEqual(self.result.returncode, 0, self.result.stderr)
        other = self.path("seed8.refermap")
        result = self.import_backbones(other, "--seed", "8")
        self.assertEqual(result.returncode, 0, result.stderr)
        first, _ = safetensors_io.read(self.model)
        second, _ = safetensors_io.read(other)
        self.assertEqual(sorted(first), sorted(second))
        backbone = [name for name in first if name.startswith(("swin.", "bert."))]
        self.assertTrue(all(torch.equal(first[name], second[name]) for name in backbone))
        self.assertFalse(all(torch.equal(first[name], second[name]) for name in first),
                         "--seed changes BTDDNet's own initial weights")
        os.remove(other)


class BadInputs(Folder):
    def assert_no_output(self, output):
        self.assertFalse(os.path.exists(output))
        leftovers = [name for name in os.listdir(self.folder) if os.path.basename(output) in name]
        self.assertEqual(leftovers, [], "no temporary file left")

    def test_missing_checkpoint_is_named(self):
        output = self.path("out.refermap")
        missing = self.path("no-such-swin.safetensors")
        result = self.import_backbones(output, swin=missing)
        self.assert_failed(result, 1, missing)
        self.assert_no_output(output)
        missing_bert = self.path("no-such-bert.safetensors")
        result = self.import_backbones(output, bert=missing_bert)
        self.assert_failed(result, 1, missing_bert)
        self.assert_no_output(output)

    def test_mis_shaped_bert_tensor_is_named(self):
        _, bert = model_fixtures.checkpoints()
        key = "bert.encoder.layer.1.attention.self.query.weight"
        hidden = SMALL_CONFIG["bert"]["hidden"]
        bert[key] = torch.randn(hidden, hidden + 3)
        broken = self.path("bert_misshaped.safetensors")
        safetensors_io.write(broken, bert, {"format": "pt"})
        output = self.path("out.refermap")
        result = self.import_backbones(output, bert=broken)
        self.assert_failed(result, 1, key, "bert_misshaped.safetensors")
        self.assertIn(f"[{hidden}, {hidden + 3}]", result.stderr)
        self.assert_no_output(output)
        os.remove(broken)

    def test_vocabulary_size_must_match_the_config(self):
        config = json.loads(json.dumps(SMALL_CONFIG))
        config["bert"]["vocabulary_size"] = 30000
        config_path = self.path("config_30000.json")
        with open(config_path, "w", encoding="utf-8") as out:
            json.dump(config, out)
        output = self.path("out.refermap")
        result = self.import_backbones(output, config=config_path)
        self.assert_failed(result, 2, "vocabulary", VOCAB, "30522", "30000")  # InvalidArgument: exit 2
        self.assert_no_output(output)
        os.remove(config_path)

    def test_bad_config_key_is_named(self):
        config_path = self.path("config_unknown.json")
        with open(config_path, "w", encoding="utf-8") as out:
            json.dump({"swin": {"embed_dims": 32}}, out)
        output = self.path("out.refermap")
        result = self.import_backbones(output, config=config_path)
        self.assert_failed(result, 2, "swin.embed_dims", config_path)  # InvalidArgument: exit 2
        self.assert_no_output(output)
        os.remove(config_path)

    def test_info_on_missing_and_non_model_files(self):
        missing = self.path("nothing.refermap")
        self.assert_failed(run("model", "info", missing), 1, missing)
        # A safetensors file that is not a model (a backbone checkpoint) and a file that is not safetensors.
        self.assert_failed(run("model", "info", self.bert, "--json"), 1, self.bert)
        self.assert_failed(run("model", "info", self.config), 1, self.config)

    def test_usage_errors(self):
        output = self.path("out.refermap")
        for args in (["model"],
                     ["model", "info"],
                     ["model", "frobnicate"],
                     ["model", "import-backbones", "--bert", self.bert, "-o", output],
                     ["model", "import-backbones", "--swin", self.swin, "--bert", self.bert],
                     ["model", "import-backbones", "--swin", self.swin, "--bert", self.bert, "-o", output,
                      "--preset", "huge"],
                     ["model", "import-backbones", "--swin", self.swin, "--bert", self.bert, "-o", output,
                      "--seed", "minus-one"]):
            with self.subTest(args=args):
                result = run(*args)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertEqual(result.stdout, "")
                self.assertNotEqual(result.stderr, "")
                self.assert_no_output(output)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
