"""refermap-cli train and eval end to end on a small synthetic benchmark: the run folder's files, the
eval table row and JSON, bad inputs and exit codes, and kill -9 during a checkpoint write followed by
--resume, which continues from the last complete checkpoint.

Arguments: refermap-cli.
"""
import json
import os
import signal
import struct
import subprocess
import sys
import tempfile
import time
import unittest

CLI = sys.argv[1]

# A small network (64 px) so that a step takes a fraction of a second on two cores.
SMALL_CONFIG = {
    "swin": {"patch_size": 4, "in_channels": 3, "embed_dim": 16, "depths": [1, 1, 2, 1], "heads": [1, 2, 4, 8],
             "window": 7, "mlp_ratio": 4.0, "drop_path": 0.1, "layer_norm_eps": 1e-5},
    "bert": {"vocabulary_size": 30522, "hidden": 32, "layers": 4, "heads": 2, "intermediate": 64,
             "max_positions": 64, "type_vocabulary_size": 2, "layer_norm_eps": 1e-12,
             "hidden_dropout": 0.1, "attention_dropout": 0.1},
    "stages": 4, "decoder_dim": 16, "max_tokens": 20, "image_size": 64, "mci_layers": 1, "mci_heads": 2,
}


def run(*args, timeout=600):
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=timeout)


def checkpoint_header(path):
    """The safetensors header of a checkpoint, after checking that the file is complete."""
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    end = max(entry["data_offsets"][1] for key, entry in header.items() if key != "__metadata__")
    assert len(data) == 8 + length + end, "checkpoint size does not match its header"
    return header


def checkpoint_iteration(path):
    return json.loads(checkpoint_header(path)["__metadata__"]["progress"])["iteration"]


class TrainEval(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls._folder = tempfile.TemporaryDirectory(prefix="refermap-train-")
        cls.folder = cls._folder.name
        cls.dataset = os.path.join(cls.folder, "synthetic")
        made = run("synth", "--seed", "3", "--count", "30", "--size", "64", "-o", cls.dataset)
        assert made.returncode == 0, made.stderr
        cls.config = os.path.join(cls.folder, "small.json")
        with open(cls.config, "w") as f:
            json.dump(SMALL_CONFIG, f)

    @classmethod
    def tearDownClass(cls):
        cls._folder.cleanup()

    def path(self, name):
        return os.path.join(self.folder, name)

    def train(self, run_dir, *extra, timeout=600):
        return run("train", self.dataset, "-o", run_dir, "--config", self.config, "--device", "cpu",
                   "--threads", "1", "--batch", "4", *extra, timeout=timeout)

    def test_train_writes_the_run_folder_and_eval_scores_it(self):
        run_dir = self.path("short")
        result = self.train(run_dir, "--epochs", "2", "--max-iterations", "4")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("finished at step 4 of 4", result.stdout)
        for name in ("checkpoint.safetensors", "best.refermap", "last.refermap", "train.csv"):
            self.assertTrue(os.path.isfile(os.path.join(run_dir, name)), name)
        with open(os.path.join(run_dir, "train.csv")) as f:
            rows = [line.rstrip("\n").split(",") for line in f]
        self.assertEqual(rows[0], ["epoch", "iteration", "lr", "lr_backbone", "loss", "loss_fg", "loss_bg",
                                   "loss_re", "val_mIoU", "val_oIoU", "seconds"])
        steps = [row for row in rows[1:] if row[4] != ""]
        validations = [row for row in rows[1:] if row[8] != ""]
        self.assertEqual([int(row[1]) for row in steps], [1, 2, 3, 4])
        self.assertEqual(float(steps[0][2]), 1e-4)  # poly schedule: step 1 at the base rate
        self.assertAlmostEqual(float(steps[2][2]), 1e-4 * 0.5 ** 0.9, places=12)
        self.assertAlmostEqual(float(steps[2][3]), 1e-5 * 0.5 ** 0.9, places=13)
        self.assertGreaterEqual(len(validations), 1)
        self.assertEqual(checkpoint_iteration(os.path.join(run_dir, "checkpoint.safetensors")), 4)

        table = run("eval", os.path.join(run_dir, "best.refermap"), self.dataset, "--device", "cpu", "--batch", "2")
        self.assertEqual(table.returncode, 0, table.stderr)
        self.assertIn("Pr@0.5", table.stdout)
        self.assertIn("3 samples", table.stdout)  # scenes 9, 19, 29 form the test split
        scores = run("eval", os.path.join(run_dir, "best.refermap"), self.dataset, "--split", "val", "--json")
        self.assertEqual(scores.returncode, 0, scores.stderr)
        parsed = json.loads(scores.stdout)
        self.assertEqual(parsed["samples"], 3)
        self.assertEqual(sorted(parsed["precision"]), ["0.5", "0.6", "0.7", "0.8", "0.9"])
        for value in [parsed["oIoU"], parsed["mIoU"], *parsed["precision"].values()]:
            self.assertTrue(0.0 <= value <= 1.0)

    def test_bad_inputs(self):
        missing = run("train", self.path("nowhere"), "-o", self.path("bad-run"), "--config", self.config)
        self.assertEqual(missing.returncode, 1)
        self.assertIn("refermap-cli: error:", missing.stderr)
        self.assertIn("nowhere", missing.stderr)

        empty = run("train", self.dataset, "-o", self.path("never-started"), "--resume")
        self.assertEqual(empty.returncode, 1)
        self.assertIn("checkpoint.safetensors", empty.stderr)

        both = run("train", self.dataset, "-o", self.path("x"), "--init", "a.refermap", "--preset", "tiny")
        self.assertEqual(both.returncode, 2)

        run_dir = self.path("used")
        first = self.train(run_dir, "--epochs", "1", "--stop-after", "1")
        self.assertEqual(first.returncode, 0, first.stderr)
        self.assertIn("paused at step 1", first.stdout)
        again = self.train(run_dir, "--epochs", "1")
        self.assertEqual(again.returncode, 2)
        self.assertIn("--resume", again.stderr)
        other = run("train", self.dataset, "-o", run_dir, "--resume", "--batch", "3")
        self.assertEqual(other.returncode, 2)
        self.assertIn("batch_size", other.stderr)

        no_model = run("eval", self.path("missing.refermap"), self.dataset)
        self.assertEqual(no_model.returncode, 1)
        self.assertIn("missing.refermap", no_model.stderr)
        bad_device = run("eval", os.path.join(run_dir, "last.refermap") if os.path.exists(
            os.path.join(run_dir, "last.refermap")) else self.path("missing.refermap"), self.dataset,
            "--device", "tpu")
        self.assertNotEqual(bad_device.returncode, 0)
        self.assertIn("tpu", bad_device.stderr)

    def test_kill_during_checkpoint_write_then_resume(self):
        run_dir = self.path("killed")
        checkpoint = os.path.join(run_dir, "checkpoint.safetensors")
        landed = False
        resume = False
        for attempt in range(8):
            args = [CLI, "train", self.dataset, "-o", run_dir, "--device", "cpu", "--threads", "1",
                    "--checkpoint-every", "1"]
            args += ["--resume"] if resume else ["--config", self.config, "--batch", "4", "--epochs", "40"]
            process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 120
            try:
                # Wait for a complete checkpoint, then for the next write's temporary file, and kill -9
                # while it exists (the write is in progress: data being written or synced, not renamed).
                while time.monotonic() < deadline and process.poll() is None:
                    names = os.listdir(run_dir) if os.path.isdir(run_dir) else []
                    if "checkpoint.safetensors" in names and any(
                            name.startswith(".checkpoint.tmp-") for name in names):
                        process.send_signal(signal.SIGKILL)
                        process.wait()
                        landed = any(name.startswith(".checkpoint.tmp-") for name in os.listdir(run_dir))
                        break
            finally:
                if process.poll() is None:
                    process.send_signal(signal.SIGKILL)
                process.wait()
            resume = True
            if landed:
                break
        self.assertTrue(landed, "no kill landed during a checkpoint write")
        self.assertEqual(process.returncode, -signal.SIGKILL)

        # The last complete checkpoint is intact and the run continues from it.
        before = checkpoint_iteration(checkpoint)
        self.assertGreaterEqual(before, 1)
        resumed = run("train", self.dataset, "-o", run_dir, "--resume", "--device", "cpu", "--threads", "1",
                      "--stop-after", str(before + 2))
        self.assertEqual(resumed.returncode, 0, resumed.stderr)
        self.assertIn("resuming at step %d " % before, resumed.stdout)
        self.assertIn("paused at step %d " % (before + 2), resumed.stdout)
        self.assertEqual(checkpoint_iteration(checkpoint), before + 2)
        self.assertFalse([name for name in os.listdir(run_dir) if name.startswith(".checkpoint.tmp-")],
                         "the interrupted write's temporary file is cleaned up on resume")
        with open(os.path.join(run_dir, "train.csv")) as f:
            iterations = [int(line.split(",")[1]) for line in list(f)[1:] if line.split(",")[4] != ""]
        self.assertEqual(iterations, list(range(1, before + 3)), "each step logged once")


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]])
