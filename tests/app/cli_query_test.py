"""refermap-cli query end to end with a small model built by `model import-backbones` from random
public-layout checkpoints, on real rasters: the three outputs in the raster's grid and CRS, GeoJSON in
lon/lat, Ctrl-C (exit 130, nothing written but the run journal) followed by a rerun that resumes from
the journal and gives the same probabilities as an uninterrupted run, --restart, and bad inputs.

Arguments: refermap-cli, the folder of real test data.
"""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import numpy
from osgeo import gdal, ogr, osr

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import model_fixtures  # noqa: E402

gdal.UseExceptions()
ogr.UseExceptions()
osr.UseExceptions()

CLI = sys.argv[1]
REAL = sys.argv[2]
COGEO = os.path.join(REAL, "cogeo.tif")        # EPSG:3857, 1024 x 1024, RGB with an internal mask
RGB_BYTE = os.path.join(REAL, "RGB.byte.tif")  # EPSG:32618, 791 x 718, RGB with nodata 0
TILED = os.path.join(REAL, "test_tiled.tif")   # EPSG:28992, 1000 x 1000, RGB
CSV = os.path.join(REAL, "OSBS_029.csv")

MODEL_FOLDER = tempfile.TemporaryDirectory(prefix="refermap-query-model-")
MODEL = None  # built once, in setUpModule
# One compute thread: on a loaded two-core machine, two OpenMP threads made a tile ~20x slower.
TILING = ["--tile", "128", "--overlap", "16", "--threads", "1"]
# Many small tiles on one thread: slow enough to be interrupted, still a few seconds in all.
SLOW_TILING = ["--tile", "64", "--overlap", "0", "--threads", "1"]
SUMMARY = re.compile(r"(\d+) tile\(s\): (\d+) processed \((\d+) resumed from the journal\), (\d+) without data, "
                     r"(\d+) failed; device cpu")


def setUpModule():
    global MODEL
    MODEL = model_fixtures.build_model(CLI, MODEL_FOLDER.name)


def tearDownModule():
    MODEL_FOLDER.cleanup()


def run(*args):
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=300)


def srs_of(wkt):
    srs = osr.SpatialReference()
    srs.ImportFromWkt(wkt)
    return srs


def gdalinfo(path):
    result = subprocess.run(["gdalinfo", "-json", path], capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        raise AssertionError(f"gdalinfo cannot read {path}: {result.stderr}")
    return json.loads(result.stdout)


def read_band(path):
    dataset = gdal.Open(path)
    return dataset.GetRasterBand(1).ReadAsArray()


def valid_pixels(path):
    """Where a mask raster has data (its internal mask band)."""
    dataset = gdal.Open(path)  # kept alive while its bands are read
    return dataset.GetRasterBand(1).GetMaskBand().ReadAsArray() > 0


class Folder(unittest.TestCase):
    def setUp(self):
        self._folder = tempfile.TemporaryDirectory(prefix="refermap-query-")
        self.folder = self._folder.name

    def tearDown(self):
        for root, folders, _ in os.walk(self.folder):
            for name in folders:
                os.chmod(os.path.join(root, name), 0o755)
        self._folder.cleanup()

    def path(self, *names):
        return os.path.join(self.folder, *names)

    def query(self, raster, text, output, *extra):
        return run("query", raster, text, "-o", output, "--model", MODEL, *extra)

    def summary(self, result):
        match = SUMMARY.search(result.stdout)
        self.assertIsNotNone(match, result.stdout)
        tiles, processed, resumed, empty, failed = map(int, match.groups())
        return {"tiles": tiles, "processed": processed, "resumed": resumed, "empty": empty, "failed": failed}


class Outputs(Folder):
    def assert_grid_matches(self, path, raster):
        """`path` is readable by gdalinfo and has the raster's size, geotransform and CRS."""
        info = gdalinfo(path)
        source = gdal.Open(raster)
        self.assertEqual(info["size"], [source.RasterXSize, source.RasterYSize])
        self.assertEqual(len(info["bands"]), 1)
        self.assertEqual(info["bands"][0]["type"], "Byte")
        for ours, theirs in zip(info["geoTransform"], source.GetGeoTransform()):
            self.assertAlmostEqual(ours, theirs, delta=1e-9 * max(1.0, abs(theirs)))
        self.assertTrue(srs_of(info["coordinateSystem"]["wkt"]).IsSame(source.GetSpatialRef()),
                        info["coordinateSystem"]["wkt"])

    def footprint(self, raster, target_srs=None):
        """The raster's footprint (densified) as an OGR polygon, in its own CRS or `target_srs`."""
        source = gdal.Open(raster)
        x0, dx, _, y0, _, dy = source.GetGeoTransform()
        x1, y1 = x0 + dx * source.RasterXSize, y0 + dy * source.RasterYSize
        ring = ogr.Geometry(ogr.wkbLinearRing)
        for x, y in ((x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)):
            ring.AddPoint_2D(x, y)
        polygon = ogr.Geometry(ogr.wkbPolygon)
        polygon.AddGeometry(ring)
        if target_srs is not None:
            polygon.Segmentize(abs(dx) * 8)
            own = source.GetSpatialRef()
            own.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
            target_srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
            polygon.Transform(osr.CoordinateTransformation(own, target_srs))
        return polygon

    def ogr_extent(self, path, expected_count):
        info = subprocess.run(["ogrinfo", "-ro", "-so", "-al", path], capture_output=True, text=True, timeout=60)
        self.assertEqual(info.returncode, 0, info.stderr)
        self.assertIn(f"Feature Count: {expected_count}", info.stdout)
        if expected_count == 0:
            return None
        match = re.search(r"Extent: \(([-\d.e+]+), ([-\d.e+]+)\) - \(([-\d.e+]+), ([-\d.e+]+)\)", info.stdout)
        self.assertIsNotNone(match, info.stdout)
        return tuple(map(float, match.groups()))  # min x, min y, max x, max y

    def assert_mask_is_thresholded_probability(self, probability, mask, level):
        p = read_band(probability)
        m = read_band(mask)
        self.assertEqual(p.shape, m.shape)
        self.assertTrue(set(numpy.unique(m)) <= {0, 1}, numpy.unique(m))
        valid = valid_pixels(probability)
        self.assertTrue(numpy.array_equal(m[valid] == 1, p[valid] >= level))
        return p, m, valid

    def test_gpkg_on_cogeo(self):
        output = self.path("hills.gpkg")
        result = self.query(COGEO, "the road between the snowy hills", output, *TILING, "-q")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stderr, "")
        features = int(re.match(r"query: (\d+) feature\(s\) -> (.*)\n", result.stdout).group(1))
        summary = self.summary(result)
        self.assertEqual(summary["failed"], 0)
        self.assertEqual(summary["resumed"], 0)
        self.assertEqual(summary["processed"] + summary["empty"], summary["tiles"])
        self.assertGreater(summary["processed"], 0)
        self.assertEqual(sorted(os.listdir(self.folder)),
                         ["hills.gpkg", "hills.mask.tif", "hills.probability.tif"], "journal removed on success")
        self.assert_grid_matches(self.path("hills.probability.tif"), COGEO)
        self.assert_grid_matches(self.path("hills.mask.tif"), COGEO)
        p, m, valid = self.assert_mask_is_thresholded_probability(
            self.path("hills.probability.tif"), self.path("hills.mask.tif"), 128)
        self.assertGreater(valid.sum(), 0)
        self.assertGreater(len(numpy.unique(p[valid])), 1, "the probabilities vary over the raster")

        dataset = ogr.Open(output)
        layer = dataset.GetLayer(0)
        self.assertTrue(layer.GetSpatialRef().IsSame(gdal.Open(COGEO).GetSpatialRef()))
        self.assertEqual(layer.GetFeatureCount(), features)
        self.assertEqual(features > 0, bool(m[valid].any()))
        if features:
            min_x, min_y, max_x, max_y = self.ogr_extent(output, features)
            footprint_x0, footprint_x1, footprint_y0, footprint_y1 = self.footprint(COGEO).GetEnvelope()
            rounding = 1e-6  # ogrinfo prints six decimals
            self.assertGreaterEqual(min_x, footprint_x0 - rounding)
            self.assertLessEqual(max_x, footprint_x1 + rounding)
            self.assertGreaterEqual(min_y, footprint_y0 - rounding)
            self.assertLessEqual(max_y, footprint_y1 + rounding)
            for feature in layer:
                self.assertEqual(feature.GetField("query"), "the road between the snowy hills")

    def test_geojson_on_rgb_byte_is_lon_lat_and_threshold_applies(self):
        # A first run finds the probabilities; the threshold for the second one keeps roughly the brightest
        # third of them, so the layer is never empty whatever the random model says.
        first = self.path("first", "sea.gpkg")
        os.mkdir(self.path("first"))
        result = self.query(RGB_BYTE, "the sea", first, *TILING, "-q")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assert_grid_matches(self.path("first", "sea.probability.tif"), RGB_BYTE)
        self.assert_grid_matches(self.path("first", "sea.mask.tif"), RGB_BYTE)
        probability = read_band(self.path("first", "sea.probability.tif"))
        valid = valid_pixels(self.path("first", "sea.probability.tif"))
        self.assertGreater(valid.sum(), 0)
        self.assertLess(valid.sum(), valid.size, "RGB.byte.tif's nodata border has no probabilities")
        level = max(2, int(numpy.percentile(probability[valid], 67)))
        # The runner's byte level for a threshold t is ceil(255 t + 0.5): (level - 1) / 255 gives `level`.
        threshold = (level - 1) / 255

        output = self.path("sea.geojson")
        result = self.query(RGB_BYTE, "the sea", output, *TILING, "--threshold", f"{threshold:.6f}", "-q")
        self.assertEqual(result.returncode, 0, result.stderr)
        features = int(re.match(r"query: (\d+) feature\(s\)", result.stdout).group(1))
        self.assertGreater(features, 0)
        self.assertEqual(sorted(os.listdir(self.folder)),
                         ["first", "sea.geojson", "sea.mask.tif", "sea.probability.tif"])
        self.assertTrue(numpy.array_equal(read_band(self.path("sea.probability.tif")), probability),
                        "the threshold does not change the probabilities")
        self.assert_mask_is_thresholded_probability(self.path("sea.probability.tif"), self.path("sea.mask.tif"),
                                                    level)
        self.ogr_extent(output, features)  # ogrinfo reads it

        dataset = ogr.Open(output)
        layer = dataset.GetLayer(0)
        self.assertEqual(layer.GetSpatialRef().GetAuthorityCode(None), "4326")
        wgs84 = osr.SpatialReference()
        wgs84.ImportFromEPSG(4326)
        lon0, lon1, lat0, lat1 = self.footprint(RGB_BYTE, wgs84).GetEnvelope()
        self.assertTrue(-80 < lon0 < lon1 < -76 and 23 < lat0 < lat1 < 26, (lon0, lon1, lat0, lat1))
        tolerance = 1e-7
        for feature in layer:
            min_x, max_x, min_y, max_y = feature.GetGeometryRef().GetEnvelope()
            self.assertGreaterEqual(min_x, lon0 - tolerance)  # longitude first
            self.assertLessEqual(max_x, lon1 + tolerance)
            self.assertGreaterEqual(min_y, lat0 - tolerance)
            self.assertLessEqual(max_y, lat1 + tolerance)

    def test_shapefile_and_explicit_mask_paths(self):
        os.mkdir(self.path("rasters"))
        probability = self.path("rasters", "p.tif")
        mask = self.path("rasters", "m.tif")
        output = self.path("out.shp")
        result = self.query(TILED, "the river", output, *TILING, "--probability", probability, "--mask", mask, "-q")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(sorted(os.listdir(self.path("rasters"))), ["m.tif", "p.tif"])
        self.assertFalse(os.path.exists(self.path("out.probability.tif")))
        self.assertFalse(os.path.exists(self.path("out.shp.journal")))
        self.assert_grid_matches(probability, TILED)
        self.assert_grid_matches(mask, TILED)
        features = int(re.match(r"query: (\d+) feature\(s\)", result.stdout).group(1))
        self.ogr_extent(output, features)
        dataset = ogr.Open(output)
        self.assertTrue(dataset.GetLayer(0).GetSpatialRef().IsSame(gdal.Open(TILED).GetSpatialRef()))


class Interruption(Folder):
    TEXT = "the snowy hills"

    def slow_query(self, folder, *extra):
        return [CLI, "query", COGEO, self.TEXT, "-o", os.path.join(folder, "out.gpkg"), "--model", MODEL,
                *SLOW_TILING, *extra]

    def interrupt(self, folder):
        """Starts the slow query in `folder`, sends SIGINT once tiles are in its journal, checks the result."""
        os.makedirs(folder, exist_ok=True)
        journal = os.path.join(folder, "out.gpkg.journal")
        record = 64 * 64 * 2  # one tile's 16-bit probabilities
        process = subprocess.Popen(self.slow_query(folder), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            if os.path.exists(journal) and os.path.getsize(journal) > 3 * record:
                break
            time.sleep(0.01)
        self.assertIsNone(process.poll(), "finished before it could be interrupted")
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=120)
        self.assertEqual(process.returncode, 130, stderr)
        self.assertEqual(stdout, "")
        self.assertIn("refermap-cli: cancelled; no output was written", stderr)
        self.assertIn("out.gpkg.journal", stderr)
        self.assertEqual(os.listdir(folder), ["out.gpkg.journal"], "nothing but the journal is left")

    def test_interrupt_resume_and_restart(self):
        reference = self.path("reference")
        os.mkdir(reference)
        result = subprocess.run(self.slow_query(reference, "-q"), capture_output=True, text=True, timeout=300)
        self.assertEqual(result.returncode, 0, result.stderr)
        expected = self.summary(result)
        self.assertGreater(expected["processed"], 20)
        reference_probability = read_band(os.path.join(reference, "out.probability.tif"))
        reference_mask = read_band(os.path.join(reference, "out.mask.tif"))

        resumed = self.path("resumed")
        self.interrupt(resumed)
        result = subprocess.run(self.slow_query(resumed, "-q"), capture_output=True, text=True, timeout=300)
        self.assertEqual(result.returncode, 0, result.stderr)
        summary = self.summary(result)
        self.assertGreater(summary["resumed"], 0, result.stdout)
        self.assertLess(summary["resumed"], expected["processed"], result.stdout)
        self.assertEqual(summary["processed"], expected["processed"])
        self.assertEqual(sorted(os.listdir(resumed)), ["out.gpkg", "out.mask.tif", "out.probability.tif"])
        self.assertTrue(numpy.array_equal(read_band(os.path.join(resumed, "out.probability.tif")),
                                          reference_probability), "resumed probabilities equal uninterrupted ones")
        self.assertTrue(numpy.array_equal(read_band(os.path.join(resumed, "out.mask.tif")), reference_mask))
        self.assertEqual(result.stdout.split()[1], subprocess.run(
            ["ogrinfo", "-ro", "-so", "-al", os.path.join(resumed, "out.gpkg")], capture_output=True,
            text=True).stdout.split("Feature Count: ")[1].split()[0])

        restarted = self.path("restarted")
        self.interrupt(restarted)
        result = subprocess.run(self.slow_query(restarted, "-q", "--restart"), capture_output=True, text=True,
                                timeout=300)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.summary(result)["resumed"], 0, "--restart ignores the journal")
        self.assertEqual(sorted(os.listdir(restarted)), ["out.gpkg", "out.mask.tif", "out.probability.tif"])
        self.assertTrue(numpy.array_equal(read_band(os.path.join(restarted, "out.probability.tif")),
                                          reference_probability))


WAIT_VARIABLES = ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "OPENBLAS_THREAD_TIMEOUT")


class ComputeThreadWaiting(Folder):
    """The model commands restart themselves once with their idle compute threads' waiting settled
    (libgomp and OpenBLAS read it only at load time): OMP_WAIT_POLICY=PASSIVE with GOMP_SPINCOUNT=2000,
    OPENBLAS_THREAD_TIMEOUT=16, each unless the user set it (and no spin count when the user chose a wait
    policy, which it would override). The compute-threads log line says what the model ran with."""

    def run_with(self, name, environment):
        output = self.path(name + ".gpkg")
        env = {key: value for key, value in os.environ.items() if key not in WAIT_VARIABLES}
        env.update(environment)
        result = subprocess.run([CLI, "--log-level", "info", "query", RGB_BYTE, "the sea", "-o", output,
                                 "--model", MODEL, *TILING, "-q"], capture_output=True, text=True, timeout=300,
                                env=env)
        self.assertEqual(result.returncode, 0, result.stderr)
        match = re.search(r"compute threads: 1 \(libtorch and OpenBLAS\); idle threads wait: ([^\n]*)", result.stderr)
        self.assertIsNotNone(match, result.stderr)
        return dict(item.split("=", 1) for item in match.group(1).split()), result

    def test_settled_unless_the_user_chose(self):
        settings, settled = self.run_with("settled", {})
        self.assertEqual(settings, {"OMP_WAIT_POLICY": "PASSIVE", "GOMP_SPINCOUNT": "2000",
                                    "OPENBLAS_THREAD_TIMEOUT": "16"})
        self.assertEqual(self.summary(settled)["failed"], 0)
        settled_probability = read_band(self.path("settled.probability.tif"))
        settings, _ = self.run_with("active", {"OMP_WAIT_POLICY": "ACTIVE"})
        self.assertEqual(settings, {"OMP_WAIT_POLICY": "ACTIVE", "GOMP_SPINCOUNT": "default",
                                    "OPENBLAS_THREAD_TIMEOUT": "16"})
        # How threads wait changes the time, never the result.
        self.assertTrue(numpy.array_equal(read_band(self.path("active.probability.tif")), settled_probability))
        settings, _ = self.run_with("own", {"OPENBLAS_THREAD_TIMEOUT": "20", "GOMP_SPINCOUNT": "0"})
        self.assertEqual(settings, {"OMP_WAIT_POLICY": "PASSIVE", "GOMP_SPINCOUNT": "0",
                                    "OPENBLAS_THREAD_TIMEOUT": "20"})
        self.assertTrue(numpy.array_equal(read_band(self.path("own.probability.tif")), settled_probability))
        # Commands that do not run the model start once and log nothing about it.
        info = subprocess.run([CLI, "--log-level", "info", "info", RGB_BYTE], capture_output=True, text=True,
                              timeout=60, env={k: v for k, v in os.environ.items() if k not in WAIT_VARIABLES})
        self.assertEqual(info.returncode, 0, info.stderr)
        self.assertNotIn("idle threads", info.stderr)


class BadInputs(Folder):
    def assert_refused(self, result, code, *names):
        self.assertEqual(result.returncode, code, result.stdout + result.stderr)
        self.assertEqual(result.stdout, "")
        self.assertTrue(result.stderr.startswith("refermap-cli: error: "), result.stderr)
        for name in names:
            self.assertIn(name, result.stderr)
        self.assertEqual(os.listdir(self.folder), [], "no output, temporary or journal file")

    def test_missing_and_corrupt_model(self):
        missing = os.path.join(MODEL_FOLDER.name, "no-such-model.refermap")
        self.assert_refused(run("query", COGEO, "the road", "-o", self.path("a.gpkg"), "--model", missing),
                            1, missing)
        corrupt = os.path.join(MODEL_FOLDER.name, "truncated.refermap")
        with open(MODEL, "rb") as source, open(corrupt, "wb") as target:
            target.write(source.read()[: os.path.getsize(MODEL) // 2])
        self.assert_refused(run("query", COGEO, "the road", "-o", self.path("a.gpkg"), "--model", corrupt), 1, corrupt)
        garbage = os.path.join(MODEL_FOLDER.name, "garbage.refermap")
        with open(garbage, "wb") as target:
            target.write(b"\xff" * 64)
        self.assert_refused(run("query", COGEO, "the road", "-o", self.path("a.gpkg"), "--model", garbage), 1, garbage)

    def test_unusable_queries(self):
        output = self.path("a.gpkg")
        self.assert_refused(self.query(COGEO, "", output), 2, "query is empty")
        self.assert_refused(self.query(COGEO, "   ", output), 2, "query is empty")
        self.assert_refused(self.query(COGEO, "road " * 2000, output), 2, "10000 characters long", "key 'query'")
        self.assert_refused(self.query(COGEO, "\U0001F680\U0001F30A\U0001F3D4\uFE0F", output), 2,
                            "knows no word of the query", "key 'query'")

    def test_devices(self):
        output = self.path("a.gpkg")
        self.assert_refused(self.query(COGEO, "the road", output, "--device", "tpu"), 2,
                            "invalid compute device 'tpu'", "key 'device'")
        result = self.query(COGEO, "the road", output, "--device", "cuda:0", *TILING, "-q")
        if result.returncode == 0:
            print("note: this build has CUDA, so --device cuda:0 ran; its refusal was not checked", file=sys.stderr)
            self.assertIn("device cuda:0", result.stdout)
        else:
            self.assert_refused(result, 1, "CUDA device 'cuda:0' requested", "--device cpu")

    def test_unwritable_output_folder(self):
        if os.geteuid() == 0:
            print("note: running as root, which permissions do not stop: the read-only output folder check is "
                  "skipped", file=sys.stderr)
            self.skipTest("running as root: a read-only folder does not stop root")
        locked = self.path("locked")
        os.mkdir(locked)
        os.chmod(locked, 0o555)
        result = self.query(COGEO, "the road", os.path.join(locked, "a.gpkg"))
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn(locked, result.stderr)
        self.assertEqual(os.listdir(locked), [])

    def test_inputs_that_are_not_rasters_or_outputs_that_are_not_vectors(self):
        self.assert_refused(self.query(CSV, "the trees", self.path("a.gpkg")), 1, CSV)
        missing = os.path.join(REAL, "no-such-raster.tif")
        self.assert_refused(self.query(missing, "the trees", self.path("a.gpkg")), 1, missing)
        self.assert_refused(self.query(COGEO, "the road", self.path("a.txt")), 2, "unknown vector format", "a.txt")

    def test_usage_errors(self):
        for args in (["query", COGEO, "the road"],                              # no -o
                     ["query", COGEO, "-o", self.path("a.gpkg")],                # no TEXT
                     ["query", COGEO, "the road", "-o", self.path("a.gpkg"), "--tile", "8"],
                     ["query", COGEO, "the road", "-o", self.path("a.gpkg"), "--threshold", "1.5"],
                     ["query", COGEO, "the road", "-o", self.path("a.gpkg"), "--bands", "1,x,3"]):
            with self.subTest(args=args):
                result = run(*args)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertEqual(result.stdout, "")
                self.assertNotEqual(result.stderr, "")
                self.assertEqual(os.listdir(self.folder), [])


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
