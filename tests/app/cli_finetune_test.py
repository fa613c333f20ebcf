"""refermap-cli finetune end to end on a project whose one mask layer was "corrected" with a real road
mask: the new model and its provenance, the base file byte-unchanged, the project valid and holding
the samples; kill -9 mid-run then the same command again resumes from the checkpoint; Ctrl-C exits 130
with no model and the checkpoint kept; bad inputs fail with a message naming the cause and write nothing.

The project comes from the make_correction_project test helper: the query "the road" on
road_mask_input.tif with an all-zero query mask, corrected to sample_road_raster_mask.tif inside a
512 x 512 region (left top), so the correction is the road network of that region.

Arguments: refermap-cli, make_correction_project, the folder of real test data, the source tree.
"""
import hashlib
import json
import os
import re
import shutil
import signal
import sqlite3
import struct
import subprocess
import sys
import tempfile
import time
import unittest

from osgeo import gdal

gdal.UseExceptions()

CLI = sys.argv[1]
MAKE_PROJECT = sys.argv[2]
REAL = sys.argv[3]
SOURCE = sys.argv[4]
RASTER = os.path.join(REAL, "road_mask_input.tif")               # 1300 x 1300 RGB, EPSG:4326
ROAD_MASK = os.path.join(REAL, "sample_road_raster_mask.tif")    # the same grid, roads = 1
DEMO_MODEL = os.path.join(SOURCE, "resources", "models", "refermap-demo-tiny.refermap")
QUERY = "the road"
REGION = ["0", "0", "512", "512"]
# Two threads and the CPU: a step of the demo model on a batch of two chips takes well under a second.
SHORT = ["--device", "cpu", "--threads", "2", "--batch", "2"]
# Enough steps that a run is still training when the test interrupts it after its first checkpoint.
LONG = SHORT + ["--max-steps", "20", "--checkpoint-every", "2"]
CHECKPOINT = "checkpoint.safetensors"
ERROR_LINE = re.compile(r"^refermap-cli: error: .+", re.M)


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def run(*args, timeout=600):
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=timeout)


def write_zero_mask(path, like):
    """A Byte mask of zeros on `like`'s grid: the query found nothing; the correction adds the roads."""
    source = gdal.Open(like)
    target = gdal.GetDriverByName("GTiff").Create(path, source.RasterXSize, source.RasterYSize, 1, gdal.GDT_Byte)
    target.SetGeoTransform(source.GetGeoTransform())
    target.SetProjection(source.GetProjection())
    target.GetRasterBand(1).Fill(0)
    target.FlushCache()


def safetensors_header(path):
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        return json.loads(f.read(length))


def write_other_architecture(path):
    """A valid safetensors file with the demo model's metadata (config, vocabulary) but the tensors of
    another network: a ResNet's stem."""
    metadata = safetensors_header(DEMO_MODEL).get("__metadata__", {})
    shapes = {"conv1.weight": [4, 3, 3, 3], "bn1.weight": [4], "fc.weight": [2, 4]}
    header, offset = {"__metadata__": metadata}, 0
    for name, shape in shapes.items():
        size = 4
        for extent in shape:
            size *= extent
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [offset, offset + size]}
        offset += size
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + bytes(offset))


def integrity(project):
    with sqlite3.connect(project) as connection:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]


def sample_count(project):
    with sqlite3.connect(project) as connection:
        return connection.execute("SELECT COUNT(*) FROM refermap_training_samples").fetchone()[0]


class Finetune(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls._shared = tempfile.TemporaryDirectory(prefix="refermap-finetune-shared-")
        cls.zero_mask = os.path.join(cls._shared.name, "query-mask.tif")
        write_zero_mask(cls.zero_mask, RASTER)
        cls.demo_sha = sha256(DEMO_MODEL)

    @classmethod
    def tearDownClass(cls):
        cls._shared.cleanup()

    def setUp(self):
        self._folder = tempfile.TemporaryDirectory(prefix="refermap-finetune-")
        self.folder = self._folder.name
        self.base = self.path("base.refermap")
        shutil.copyfile(DEMO_MODEL, self.base)

    def tearDown(self):
        self._folder.cleanup()
        # Whatever a test did, the bundled model (the default --base) is never written.
        self.assertEqual(sha256(DEMO_MODEL), self.demo_sha)

    def path(self, *names):
        return os.path.join(self.folder, *names)

    def make_project(self, name="corrected.refermap.gpkg", raster=RASTER):
        project = self.path(name)
        made = subprocess.run([MAKE_PROJECT, project, raster, QUERY, self.zero_mask, ROAD_MASK, *REGION],
                              capture_output=True, text=True, timeout=300)
        self.assertEqual(made.returncode, 0, made.stderr)
        return project, int(made.stdout.strip().split()[-1])

    def finetune(self, project, output, *extra, base=None, timeout=600):
        return run("finetune", project, "--base", base or self.base, "-o", output, *extra, timeout=timeout)

    def start(self, project, output, *extra):
        args = [CLI, "finetune", project, "-o", output, *extra]
        return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def wait_for_checkpoint(self, process, run_dir, timeout=300):
        """Waits until the run folder holds a complete checkpoint (written atomically, so there once
        it is there); fails when the run ends first."""
        deadline = time.monotonic() + timeout
        checkpoint = os.path.join(run_dir, CHECKPOINT)
        while time.monotonic() < deadline:
            if os.path.isfile(checkpoint):
                return checkpoint
            if process.poll() is not None:
                out, err = process.communicate()
                self.fail(f"the run ended (exit {process.returncode}) before a checkpoint:\n{out}\n{err}")
            time.sleep(0.05)
        process.kill()
        process.communicate()
        self.fail("no checkpoint appeared")

    def assert_refused(self, result, code, *named):
        """Failed with `code` and one error line naming each of `named`."""
        self.assertEqual(result.returncode, code, result.stdout + result.stderr)
        match = ERROR_LINE.search(result.stderr)
        self.assertIsNotNone(match, result.stderr)
        for name in named:
            self.assertIn(name, match.group(0))

    # -- end to end ---------------------------------------------------------------------------------

    def test_short_run_writes_a_model_with_its_provenance(self):
        project, layer = self.make_project()
        self.assertEqual(sample_count(project), 0)
        output = self.path("tuned.refermap")
        base_sha = sha256(self.base)
        result = self.finetune(project, output, *SHORT, "--max-steps", "6", "--checkpoint-every", "3")
        self.assertEqual(result.returncode, 0, result.stderr)
        print(result.stdout)

        self.assertTrue(os.path.isfile(output))
        self.assertEqual(sha256(self.base), base_sha, "the base model was written")
        self.assertRegex(result.stdout, r"(?m)^  before +\d+\.\d\d +\d+\.\d\d( +\d+\.\d\d){5}$")
        self.assertRegex(result.stdout, r"(?m)^  after +\d+\.\d\d +\d+\.\d\d( +\d+\.\d\d){5}$")
        self.assertIn(f"model -> {output}", result.stdout)
        self.assertIn(f"run folder -> {output}.run", result.stdout)
        self.assertIn("not resumed", result.stdout)
        samples = re.search(r"samples: (\d+) for training, (\d+) for validation, from 1 layer", result.stdout)
        self.assertIsNotNone(samples, result.stdout)
        train, validation = int(samples.group(1)), int(samples.group(2))
        self.assertGreater(train, 0)
        self.assertGreater(validation, 0)

        info = run("model", "info", output, "--json")
        self.assertEqual(info.returncode, 0, info.stderr)
        provenance = json.loads(info.stdout)["provenance"]
        values = " ".join(provenance.values())
        self.assertIn(base_sha, values, provenance)  # the base model, by its hash
        for when in ("before", "after"):
            keys = [key for key in provenance if when in key.lower()]
            self.assertTrue(keys, f"no provenance key for the IoU {when}: {sorted(provenance)}")
            self.assertRegex(" ".join(provenance[key] for key in keys), r"\d", provenance)
        # The model still answers queries (it is a complete BTDDNet file, not a checkpoint).
        self.assertEqual(json.loads(info.stdout)["config"]["image_size"], 128)

        self.assertEqual(integrity(project), "ok")
        self.assertEqual(sample_count(project), train + validation)
        with sqlite3.connect(project) as connection:
            layers = {row[0] for row in connection.execute("SELECT DISTINCT layer_id FROM refermap_training_samples")}
        self.assertEqual(layers, {layer})

    # -- interruptions ------------------------------------------------------------------------------

    def test_kill_then_the_same_command_resumes_from_the_checkpoint(self):
        project, _ = self.make_project()
        output = self.path("tuned.refermap")
        run_dir = output + ".run"
        args = ["--base", self.base, *LONG]
        process = self.start(project, output, *args)
        checkpoint = self.wait_for_checkpoint(process, run_dir)
        process.send_signal(signal.SIGKILL)
        process.communicate()
        self.assertEqual(process.returncode, -signal.SIGKILL, "the run ended before the kill")
        # The last complete checkpoint (written atomically: another may have landed before the kill).
        step = json.loads(safetensors_header(checkpoint)["__metadata__"]["progress"])["iteration"]
        self.assertGreater(step, 0)
        self.assertFalse(os.path.exists(output))
        self.assertEqual(integrity(project), "ok")

        result = self.finetune(project, output, *LONG)
        self.assertEqual(result.returncode, 0, result.stderr)
        print(result.stdout)
        resumed = re.search(r"resumed an interrupted run from its checkpoint at step (\d+)", result.stdout)
        self.assertIsNotNone(resumed, result.stdout)
        self.assertEqual(int(resumed.group(1)), step)
        self.assertTrue(os.path.isfile(output))
        self.assertEqual(integrity(project), "ok")

    def test_ctrl_c_exits_cancelled_without_a_model_and_keeps_the_checkpoint(self):
        project, _ = self.make_project()
        output = self.path("tuned.refermap")
        run_dir = output + ".run"
        process = self.start(project, output, *LONG)  # the default base: the bundled demo model
        self.wait_for_checkpoint(process, run_dir)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=300)
        self.assertEqual(process.returncode, 130, out + err)
        self.assertIn("cancelled", err)
        self.assertFalse(os.path.exists(output))
        self.assertTrue(os.path.isfile(os.path.join(run_dir, CHECKPOINT)))
        self.assertEqual([name for name in os.listdir(self.folder) if name.startswith("tuned.refermap")
                          and name != "tuned.refermap.run"], [], "a temporary output was left behind")
        self.assertEqual(integrity(project), "ok")

    # -- bad inputs ---------------------------------------------------------------------------------

    def assert_nothing_written(self, output, project=None, samples=0):
        self.assertFalse(os.path.exists(output), "an output model was written")
        self.assertFalse(os.path.exists(output + ".run"), "a run folder was made")
        if project:
            self.assertEqual(sample_count(project), samples)
            self.assertEqual(integrity(project), "ok")

    def test_project_without_edited_layers(self):
        project, _ = self.make_project()
        with sqlite3.connect(project) as connection:
            connection.execute("UPDATE refermap_mask_layers SET edited = 0")
            connection.execute("UPDATE refermap_mask_tiles SET edited = 0")
        output = self.path("tuned.refermap")
        result = self.finetune(project, output, *SHORT)
        # A project without corrections is bad data (exit 1), not a bad command line.
        self.assert_refused(result, 1, "corrected", project)
        self.assert_nothing_written(output, project)

    def test_unknown_layer(self):
        project, layer = self.make_project()
        output = self.path("tuned.refermap")
        result = self.finetune(project, output, *SHORT, "--layer", str(layer + 1000))
        self.assertIn(result.returncode, (1, 2), result.stderr)
        self.assertRegex(ERROR_LINE.search(result.stderr).group(0), str(layer + 1000))
        self.assert_nothing_written(output, project)

    def test_corrupt_base_model(self):
        project, _ = self.make_project()
        with open(self.base, "rb") as f:
            data = f.read()
        truncated = self.path("truncated.refermap")
        with open(truncated, "wb") as f:
            f.write(data[:len(data) // 2])
        output = self.path("tuned.refermap")
        result = self.finetune(project, output, *SHORT, base=truncated)
        self.assert_refused(result, 1, truncated)
        self.assert_nothing_written(output, project)

    def test_base_model_of_another_architecture(self):
        project, _ = self.make_project()
        other = self.path("resnet.safetensors")
        write_other_architecture(other)
        output = self.path("tuned.refermap")
        result = self.finetune(project, output, *SHORT, base=other)
        self.assert_refused(result, 1, other)
        self.assert_nothing_written(output, project)

    def test_output_is_the_base_model(self):
        project, _ = self.make_project()
        base_sha = sha256(self.base)
        os.mkdir(self.path("sub"))
        for output in (self.base, self.path("sub", "..", "base.refermap")):
            result = self.finetune(project, output, *SHORT)
            self.assertNotEqual(result.returncode, 0, result.stdout)
            self.assertIn(result.returncode, (1, 2))
            self.assertIn("base.refermap", ERROR_LINE.search(result.stderr).group(0))
            self.assertEqual(sha256(self.base), base_sha)
            self.assertFalse(os.path.exists(self.base + ".run"))
        self.assertEqual(sample_count(project), 0)

    def test_missing_project(self):
        missing = self.path("no-such.refermap.gpkg")
        output = self.path("tuned.refermap")
        result = self.finetune(missing, output, *SHORT)
        self.assert_refused(result, 1, missing)
        self.assert_nothing_written(output)
        self.assertFalse(os.path.exists(missing))

    def test_raster_moved_before_any_samples(self):
        raster = self.path("scene.tif")
        shutil.copyfile(RASTER, raster)
        project, _ = self.make_project(raster=raster)
        os.mkdir(self.path("elsewhere"))
        os.rename(raster, self.path("elsewhere", "scene.tif"))
        output = self.path("tuned.refermap")
        result = self.finetune(project, output, *SHORT)
        self.assert_refused(result, 1, "scene.tif")
        self.assert_nothing_written(output, project)

    def test_unknown_freeze_value(self):
        project, _ = self.make_project()
        output = self.path("tuned.refermap")
        result = self.finetune(project, output, *SHORT, "--freeze", "everything")
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("--freeze", result.stderr)
        self.assertIn("everything", result.stderr)
        self.assert_nothing_written(output, project)


class Help(unittest.TestCase):
    def test_help_explains_corrections_samples_base_and_resume(self):
        result = run("finetune", "--help")
        self.assertEqual(result.returncode, 0, result.stderr)
        text = " ".join(result.stdout.split())
        for words in ("edited", "samples", "never written", "same command again", "--restart",
                      "--freeze", "--val-share", "--layer"):
            self.assertIn(words, text)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
