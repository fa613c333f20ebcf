"""refermap-cli synth: the synthetic benchmark folder, determinism, georeference, the demo scene, bad arguments.

Arguments: refermap-cli.
"""
import hashlib
import os
import signal
import stat
import subprocess
import sys
import tempfile
import time
import unittest

import numpy
from osgeo import gdal

gdal.UseExceptions()

CLI = sys.argv[1]


def run(*args, timeout=300):
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=timeout)


def digest(folder):
    """Hash of every file's relative path and bytes."""
    result = hashlib.sha256()
    for root, _, files in sorted(os.walk(folder)):
        for name in sorted(files):
            path = os.path.join(root, name)
            result.update(os.path.relpath(path, folder).encode())
            with open(path, "rb") as handle:
                result.update(handle.read())
    return result.hexdigest()


class Folder(unittest.TestCase):
    def setUp(self):
        self._folder = tempfile.TemporaryDirectory(prefix="refermap-synth-")
        self.folder = self._folder.name

    def tearDown(self):
        for root, folders, _ in os.walk(self.folder):
            for name in folders:
                os.chmod(os.path.join(root, name), 0o755)
        os.chmod(self.folder, 0o755)
        self._folder.cleanup()

    def path(self, *names):
        return os.path.join(self.folder, *names)


class Benchmark(Folder):
    def test_refsegrs_layout_readable_by_gdal(self):
        out = self.path("bench")
        result = run("synth", "--seed", "3", "--count", "30", "--size", "128", "-o", out, "-v")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertRegex(result.stdout, r"^synth: 30 scene\(s\) of 128 px written to .*bench \(train 24, val 3, test 3\)\n$")
        self.assertIn("synth: 100%", result.stderr)
        self.assertEqual(sorted(os.listdir(self.folder)), ["bench"])
        self.assertEqual(sorted(os.listdir(out)), ["images", "masks", "output_phrase_test.txt",
                                                   "output_phrase_train.txt", "output_phrase_val.txt",
                                                   "synthetic.json"])
        stems = []
        for split, count in (("train", 24), ("val", 3), ("test", 3)):
            with open(os.path.join(out, f"output_phrase_{split}.txt")) as handle:
                lines = handle.read().splitlines()
            self.assertEqual(len(lines), count)
            for line in lines:
                stem, expression = line.split(" ", 1)
                self.assertTrue(expression.startswith(("the ", "red", "blue", "green", "white", "black", "grey",
                                                       "yellow", "orange", "brown")), line)
                stems.append(stem)
        self.assertEqual(len(set(stems)), 30)
        for stem in stems[:5] + stems[-3:]:
            image = gdal.Open(os.path.join(out, "images", stem + ".tif"))
            self.assertEqual((image.RasterXSize, image.RasterYSize, image.RasterCount), (128, 128, 3))
            self.assertEqual(image.GetRasterBand(1).DataType, gdal.GDT_Byte)
            self.assertEqual(image.GetSpatialRef().GetAuthorityCode(None), "32633")
            x0, dx, _, y0, _, dy = image.GetGeoTransform()
            self.assertEqual((dx, dy), (0.5, -0.5))
            self.assertEqual(image.GetMetadata("IMAGE_STRUCTURE").get("COMPRESSION"), "DEFLATE")
            self.assertEqual(image.GetRasterBand(1).GetBlockSize(), [128, 128])
            mask = gdal.Open(os.path.join(out, "masks", stem + ".tif"))
            self.assertEqual(mask.RasterCount, 1)
            self.assertEqual(mask.GetGeoTransform(), image.GetGeoTransform())
            values = mask.ReadAsArray()
            self.assertTrue(set(numpy.unique(values)) <= {0, 255})
            self.assertGreater((values == 255).sum(), 0)
            # The target differs from its surroundings: the image is not blank under the mask.
            pixels = image.ReadAsArray().astype(float)
            self.assertGreater(pixels.std(), 5.0)

    def test_same_seed_same_bytes_other_seed_other_bytes(self):
        for name, seed in (("a", "8"), ("b", "8"), ("c", "9")):
            result = run("synth", "--seed", seed, "--count", "12", "--size", "96", "-o", self.path(name))
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertEqual(result.stderr, "")
        self.assertEqual(digest(self.path("a")), digest(self.path("b")))
        self.assertNotEqual(digest(self.path("a")), digest(self.path("c")))

    def test_non_empty_folder_needs_overwrite(self):
        out = self.path("bench")
        os.mkdir(out)
        with open(os.path.join(out, "keep.txt"), "w") as handle:
            handle.write("mine")
        result = run("synth", "--count", "3", "-o", out)
        self.assertEqual(result.returncode, 2)
        self.assertIn("refermap-cli: error: the output folder is not empty", result.stderr)
        self.assertIn("--overwrite", result.stderr)
        self.assertEqual(os.listdir(out), ["keep.txt"])
        result = run("synth", "--count", "3", "-o", out, "--overwrite")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertNotIn("keep.txt", os.listdir(out))
        self.assertEqual(sorted(os.listdir(self.folder)), ["bench"])

    def test_interrupt_leaves_nothing(self):
        out = self.path("bench")
        process = subprocess.Popen([CLI, "synth", "--count", "200000", "--size", "128", "-o", out],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        staging = []
        deadline = time.time() + 60
        while time.time() < deadline:  # wait until it has started writing
            staging = [name for name in os.listdir(self.folder) if ".partial-" in name]
            if staging and os.listdir(os.path.join(self.folder, staging[0], "images")):
                break
            time.sleep(0.05)
        self.assertTrue(staging)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
        self.assertEqual(process.returncode, 130, stderr)
        self.assertIn("cancelled", stderr)
        self.assertEqual(os.listdir(self.folder), [])


class DemoScene(Folder):
    def test_demo_scene_is_a_georeferenced_cog_with_its_expression(self):
        scene = self.path("harbour.tif")
        mask = self.path("harbour-mask.tif")
        result = run("synth", "--demo-scene", scene, "--demo-mask", mask, "--seed", "7", "--size", "512",
                     "--object-scale", "256")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertRegex(result.stdout, r"expression: the (largest|biggest) (storage tank|tank|oil tank)\n$")
        dataset = gdal.Open(scene)
        self.assertEqual((dataset.RasterXSize, dataset.RasterYSize, dataset.RasterCount), (512, 512, 3))
        self.assertEqual(dataset.GetSpatialRef().GetAuthorityCode(None), "32633")
        self.assertEqual(dataset.GetMetadata("IMAGE_STRUCTURE").get("LAYOUT"), "COG")
        self.assertEqual(dataset.GetGeoTransform()[1], 0.5)
        values = gdal.Open(mask).ReadAsArray()
        self.assertGreater((values == 255).sum(), 100)
        again = self.path("again.tif")
        self.assertEqual(run("synth", "--demo-scene", again, "--seed", "7", "--size", "512",
                             "--object-scale", "256").returncode, 0)
        self.assertTrue(numpy.array_equal(gdal.Open(again).ReadAsArray(), dataset.ReadAsArray()))


class BadArguments(Folder):
    def test_bad_values_are_usage_errors(self):
        for args, words in ((["--count", "0"], "--count must be between 1"),
                            (["--count", "-5"], "--count must be between 1"),
                            (["--count", "3", "--size", "16"], "--size must be between 64"),
                            (["--count", "3", "--size", "100000"], "--size must be between 64")):
            with self.subTest(args=args):
                result = run("synth", *args, "-o", self.path("bench"))
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertIn(f"refermap-cli: error: {words}", result.stderr)
                self.assertEqual(os.listdir(self.folder), [])
        result = run("synth", "--count", "3")
        self.assertEqual(result.returncode, 2)
        self.assertIn("no output folder", result.stderr)
        # An unknown colour names itself and the known ones; the demo scene takes no target colour.
        result = run("synth", "--count", "3", "--target-colour", "magenta", "-o", self.path("bench"))
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("unknown colour 'magenta'", result.stderr)
        self.assertIn("purple", result.stderr)
        result = run("synth", "--demo-scene", self.path("demo.tif"), "--target-colour", "purple")
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("--target-colour", result.stderr)
        self.assertEqual(os.listdir(self.folder), [])
        result = run("synth", "--count", "many", "-o", self.path("bench"))
        self.assertEqual(result.returncode, 2)

    def test_unwritable_folder_is_a_failure(self):
        # /proc takes no new folders, even from root; a read-only folder stops everyone else.
        targets = [os.path.join("/proc", "refermap-synth-bench")]
        if os.geteuid() != 0:
            locked = self.path("locked")
            os.mkdir(locked)
            os.chmod(locked, stat.S_IRUSR | stat.S_IXUSR)
            targets.append(os.path.join(locked, "bench"))
        for target in targets:
            with self.subTest(target=target):
                result = run("synth", "--count", "2", "-o", target)
                self.assertEqual(result.returncode, 1, result.stderr)
                self.assertIn("refermap-cli: error: cannot create a folder next to the output", result.stderr)
                self.assertIn(os.path.dirname(target), result.stderr)
        result = run("synth", "--count", "2", "-o", self.path("missing", "bench"))
        self.assertEqual(result.returncode, 1)
        self.assertIn("does not exist", result.stderr)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
