"""refermap-cli info as a user runs it: every real raster, JSON output, bad inputs, exit codes."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

CLI = sys.argv[1]
REAL = sys.argv[2]
RASTERS = sorted(f for f in os.listdir(REAL) if f.endswith(".tif"))


def run(*args, env=None):
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=60, env=env)


class InfoOnRealRasters(unittest.TestCase):
    def test_every_raster_text(self):
        self.assertEqual(len(RASTERS), 9)
        for name in RASTERS:
            with self.subTest(raster=name):
                result = run("info", os.path.join(REAL, name))
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertIn("EPSG:", result.stdout)
                self.assertIn("Bands:", result.stdout)
                self.assertEqual(result.stderr, "", "nothing but the report on a clean run")

    def test_json_is_parseable_and_complete(self):
        result = run("info", "--json", os.path.join(REAL, "rgb16.tif"))
        self.assertEqual(result.returncode, 0, result.stderr)
        info = json.loads(result.stdout)
        self.assertEqual((info["width"], info["height"], info["band_count"]), (438, 500, 3))
        self.assertEqual(info["crs"]["epsg"], 32620)
        self.assertEqual([b["type"] for b in info["bands"]], ["UInt16"] * 3)
        self.assertEqual(info["pixel_size"], [60.0, -60.0])

    def test_gdal_virtual_path_inside_a_zip(self):
        import zipfile
        with tempfile.TemporaryDirectory() as folder:
            archive = os.path.join(folder, "scenes.zip")
            with zipfile.ZipFile(archive, "w") as bundle:
                bundle.write(os.path.join(REAL, "OSBS_029.tif"), "site/OSBS_029.tif")
            result = run("info", "--json", f"/vsizip/{archive}/site/OSBS_029.tif")
            self.assertEqual(result.returncode, 0, result.stderr)
            info = json.loads(result.stdout)
            self.assertEqual((info["width"], info["crs"]["epsg"]), (400, 32617))
            missing = run("info", f"/vsizip/{archive}/site/absent.tif")
            self.assertEqual(missing.returncode, 1)
            self.assertIn("absent.tif", missing.stderr)


class BadInputs(unittest.TestCase):
    def assert_fails_naming(self, path, words, code=1):
        result = run("info", path)
        self.assertEqual(result.returncode, code, result.stdout + result.stderr)
        self.assertEqual(result.stdout, "")
        self.assertIn(path, result.stderr)
        self.assertIn(words, result.stderr)
        self.assertTrue(result.stderr.startswith("refermap-cli: error: "), result.stderr)

    def test_missing(self):
        self.assert_fails_naming("/nonexistent/scene.tif", "does not exist")

    def test_not_a_raster(self):
        with tempfile.NamedTemporaryFile(suffix=".tif") as junk:
            junk.write(b"this is not a tiff" * 100)
            junk.flush()
            self.assert_fails_naming(junk.name, "not a raster GDAL can read")

    def test_vector_file(self):
        self.assert_fails_naming(os.path.join(REAL, "sample_roads_for_masking.geojson"), "vector data")

    def test_folder(self):
        self.assert_fails_naming(REAL, "folder")

    def test_usage_errors_exit_2(self):
        self.assertEqual(run("info").returncode, 2)
        self.assertEqual(run("frobnicate").returncode, 2)
        self.assertEqual(run().returncode, 2)
        bad_level = run("--log-level", "loud", "info", os.path.join(REAL, "cogeo.tif"))
        self.assertEqual(bad_level.returncode, 2)
        self.assertIn("loud", bad_level.stderr)

    def test_help_explains_commands_and_exit_codes(self):
        result = run("--help")
        self.assertEqual(result.returncode, 0)
        self.assertIn("info", result.stdout)
        self.assertIn("Exit codes", result.stdout)


class Version(unittest.TestCase):
    def test_version_report(self):
        result = run("version")
        self.assertEqual(result.returncode, 0, result.stderr)
        for key in ("ReferMap:", "GDAL:", "PROJ:", "libtorch:", "BLAS:", "malloc:", "CUDA:"):
            self.assertIn(key, result.stdout)
        self.assertIn("OpenBLAS", result.stdout, "the model must not run on the reference BLAS")
        # The CLI links jemalloc: under glibc's malloc a query's memory grew with the raster.
        self.assertRegex(result.stdout, r"malloc: +jemalloc [0-9]+\.[0-9]+")


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
