"""refermap-cli vectorize against GDAL's own gdal_polygonize.py -8, every output format, bad inputs.

Arguments: refermap-cli, gdal_polygonize.py, the folder of real test data.
"""
import os
import signal
import stat
import subprocess
import sys
import tempfile
import time
import unittest

import numpy
from osgeo import gdal, ogr, osr

gdal.UseExceptions()
ogr.UseExceptions()

CLI = sys.argv[1]
POLYGONIZE = sys.argv[2]
REAL = sys.argv[3]
ROAD_MASK = os.path.join(REAL, "sample_road_raster_mask.tif")  # Byte 0/255, EPSG:4326, 1300×1300


def run(*args):
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=300)


def geometries(path, where=None):
    dataset = ogr.Open(path)
    layer = dataset.GetLayer(0)
    if where:
        layer.SetAttributeFilter(where)
    return [feature.GetGeometryRef().Clone() for feature in layer], dataset


def normalized_wkt(geometry):
    copy = geometry.Clone()
    copy.Normalize()
    return copy.ExportToWkt()


class Folder(unittest.TestCase):
    def setUp(self):
        self._folder = tempfile.TemporaryDirectory(prefix="refermap-vectorize-")
        self.folder = self._folder.name

    def tearDown(self):
        for root, folders, _ in os.walk(self.folder):
            for name in folders:
                os.chmod(os.path.join(root, name), 0o755)
        self._folder.cleanup()

    def path(self, name):
        return os.path.join(self.folder, name)


class GoldenAgainstGdalPolygonize(Folder):
    def test_same_polygons_as_gdal_polygonize_8_connected(self):
        ours = self.path("ours.gpkg")
        result = run("vectorize", ROAD_MASK, "-o", ours)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertRegex(result.stdout, r"^vectorize: \d+ feature\(s\) written to .*ours\.gpkg\n$")
        self.assertEqual(result.stderr, "")

        reference = self.path("reference.gpkg")
        subprocess.run([sys.executable, POLYGONIZE, "-q", "-8", ROAD_MASK, "-f", "GPKG", reference, "ref", "DN"],
                       check=True, timeout=300)
        expected, _ = geometries(reference, "DN = 255")  # the mask is 0/255: 255 is foreground
        actual, _ = geometries(ours)
        self.assertGreater(len(expected), 0)
        self.assertEqual(len(actual), len(expected))
        self.assertEqual(sorted(map(normalized_wkt, actual)), sorted(map(normalized_wkt, expected)))
        pairs = zip(sorted(actual, key=normalized_wkt), sorted(expected, key=normalized_wkt))
        for ours_polygon, their_polygon in pairs:
            self.assertEqual(ours_polygon.SymDifference(their_polygon).GetArea(), 0.0)

        # Inside the raster's georeferenced footprint.
        raster = gdal.Open(ROAD_MASK)
        x0, dx, _, y0, _, dy = raster.GetGeoTransform()
        x1, y1 = x0 + dx * raster.RasterXSize, y0 + dy * raster.RasterYSize
        for polygon in actual:
            min_x, max_x, min_y, max_y = polygon.GetEnvelope()
            self.assertGreaterEqual(min_x, min(x0, x1))
            self.assertLessEqual(max_x, max(x0, x1))
            self.assertGreaterEqual(min_y, min(y0, y1))
            self.assertLessEqual(max_y, max(y0, y1))

        dataset = ogr.Open(ours)
        layer = dataset.GetLayer(0)
        self.assertEqual(layer.GetSpatialRef().GetAuthorityCode(None), "4326")
        for feature in layer:
            self.assertEqual(feature.GetField("score"), 1.0)
            self.assertGreater(feature.GetField("area_m2"), 0.0)
            self.assertGreater(feature.GetField("perimeter_m"), 0.0)
            self.assertEqual(feature.GetField("source"), ROAD_MASK)


class Formats(Folder):
    def projected_mask(self):
        """RGB.byte.tif band 1 thresholded at 100 into a 0/255 mask, still in EPSG:32618."""
        source = gdal.Open(os.path.join(REAL, "RGB.byte.tif"))
        values = source.GetRasterBand(1).ReadAsArray()
        mask_path = self.path("rgb_mask.tif")
        mask = gdal.GetDriverByName("GTiff").Create(mask_path, source.RasterXSize, source.RasterYSize, 1, gdal.GDT_Byte)
        mask.SetGeoTransform(source.GetGeoTransform())
        mask.SetProjection(source.GetProjection())
        mask.GetRasterBand(1).WriteArray(numpy.where(values >= 100, 255, 0).astype(numpy.uint8))
        mask = None
        return mask_path

    def assert_ogrinfo_reads(self, path, count):
        info = subprocess.run(["ogrinfo", "-ro", "-so", "-al", path], capture_output=True, text=True, timeout=60)
        self.assertEqual(info.returncode, 0, info.stderr)
        self.assertIn(f"Feature Count: {count}", info.stdout)

    def test_every_format_readable_and_geojson_lon_lat(self):
        mask = self.projected_mask()
        counts = {}
        for name in ("out.gpkg", "out.geojson", "out.shp"):
            with self.subTest(output=name):
                result = run("vectorize", mask, "-o", self.path(name), "--min-area", "1000000", "--query", "bright")
                self.assertEqual(result.returncode, 0, result.stderr)
                counts[name] = int(result.stdout.split()[1])
                self.assertGreater(counts[name], 0)
                self.assert_ogrinfo_reads(self.path(name), counts[name])
        self.assertEqual(len(set(counts.values())), 1)
        self.assertEqual(sorted(os.listdir(self.folder)),
                         sorted(["rgb_mask.tif", "out.gpkg", "out.geojson", "out.shp", "out.shx", "out.dbf",
                                 "out.prj", "out.cpg"]))

        polygons, dataset = geometries(self.path("out.geojson"))
        for polygon in polygons:
            min_x, max_x, min_y, max_y = polygon.GetEnvelope()
            self.assertTrue(-80 <= min_x <= max_x <= -76, (min_x, max_x))  # longitude first
            self.assertTrue(23 <= min_y <= max_y <= 26, (min_y, max_y))
        for feature in dataset.GetLayer(0):
            self.assertEqual(feature.GetField("query"), "bright")
            self.assertGreaterEqual(feature.GetField("area_m2"), 1000000)

        shapefile_dataset = ogr.Open(self.path("out.shp"))  # keep the dataset alive while its layer is used
        shapefile = shapefile_dataset.GetLayer(0)
        names = [shapefile.GetLayerDefn().GetFieldDefn(i).GetName()
                 for i in range(shapefile.GetLayerDefn().GetFieldCount())]
        self.assertIn("perim_m", names)
        self.assertTrue(all(len(name) <= 10 for name in names), names)
        self.assertEqual(shapefile.GetSpatialRef().GetAuthorityCode(None), "32618")

    def test_geographic_mask_to_geojson_is_lon_lat(self):
        out = self.path("roads.geojson")
        result = run("vectorize", ROAD_MASK, "-o", out, "--simplify", "0.000003")
        self.assertEqual(result.returncode, 0, result.stderr)
        polygons, _ = geometries(out)
        self.assertGreater(len(polygons), 0)
        for polygon in polygons:
            self.assertTrue(polygon.IsValid())
            min_x, max_x, min_y, max_y = polygon.GetEnvelope()
            self.assertAlmostEqual(min_x, -115.23, delta=0.01)
            self.assertAlmostEqual(min_y, 36.14, delta=0.01)

    def test_reprojection_with_crs(self):
        out = self.path("utm.gpkg")
        result = run("vectorize", ROAD_MASK, "-o", out, "--crs", "32611")
        self.assertEqual(result.returncode, 0, result.stderr)
        polygons, dataset = geometries(out)
        self.assertEqual(dataset.GetLayer(0).GetSpatialRef().GetAuthorityCode(None), "32611")
        min_x, _, min_y, _ = polygons[0].GetEnvelope()
        self.assertAlmostEqual(min_x, 660000, delta=20000)  # UTM 11N easting near 115.23°W
        self.assertAlmostEqual(min_y, 4000000, delta=20000)


class BadInputs(Folder):
    def assert_fails(self, args, words, code=1, named=None):
        before = set(os.listdir(self.folder))
        result = run("vectorize", *args)
        self.assertEqual(result.returncode, code, result.stdout + result.stderr)
        self.assertEqual(result.stdout, "")
        self.assertTrue(result.stderr.startswith("refermap-cli: error: "), result.stderr)
        self.assertIn(words, result.stderr)
        if named:
            self.assertIn(named, result.stderr)
        self.assertEqual(set(os.listdir(self.folder)), before, "no partial or temporary file left")

    def test_truncated_geotiff(self):
        truncated = self.path("truncated.tif")
        with open(os.path.join(REAL, "sample_road_raster_mask.tif"), "rb") as whole:
            data = whole.read()
        with open(truncated, "wb") as cut:
            cut.write(data[: len(data) // 2])
        self.assert_fails([truncated, "-o", self.path("out.gpkg")], "truncated", named=truncated)

    def test_not_a_raster(self):
        junk = self.path("junk.tif")
        with open(junk, "w") as out:
            out.write("not a raster\n" * 50)
        self.assert_fails([junk, "-o", self.path("out.gpkg")], "not a raster", named=junk)

    def test_multi_band(self):
        rgb = os.path.join(REAL, "RGB.byte.tif")
        self.assert_fails([rgb, "-o", self.path("out.gpkg")], "single-band", named=rgb)

    def test_read_only_output_folder(self):
        if os.geteuid() == 0:  # permissions do not stop root: a path under a regular file fails for everyone
            blocker = self.path("file.txt")
            with open(blocker, "w") as out:
                out.write("a file")
            folder = blocker
        else:
            folder = self.path("locked")
            os.mkdir(folder)
            os.chmod(folder, stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)
        for name in ("out.gpkg", "out.geojson", "out.shp"):
            with self.subTest(output=name):
                self.assert_fails([ROAD_MASK, "-o", os.path.join(folder, name)], "output folder", named=folder)
        if os.path.isdir(folder):
            self.assertEqual(os.listdir(folder), [])

    def test_unknown_extension_and_crs_are_usage_errors(self):
        self.assert_fails([ROAD_MASK, "-o", self.path("out.kml")], "unknown vector format", code=2)
        self.assert_fails([ROAD_MASK, "-o", self.path("out.gpkg"), "--crs", "999999"], "EPSG:999999", code=2)
        self.assert_fails([ROAD_MASK, "-o", self.path("out.geojson"), "--crs", "3857"], "RFC 7946", code=2)

    def test_existing_output_survives_a_failure(self):
        out = self.path("out.gpkg")
        self.assertEqual(run("vectorize", ROAD_MASK, "-o", out).returncode, 0)
        size = os.path.getsize(out)
        self.assert_fails([ROAD_MASK, "-o", out, "--crs", "999999"], "EPSG:999999", code=2)
        self.assertEqual(os.path.getsize(out), size)

    def test_usage(self):
        self.assertEqual(run("vectorize").returncode, 2)
        self.assertEqual(run("vectorize", ROAD_MASK).returncode, 2)
        self.assertEqual(run("vectorize", ROAD_MASK, "-o", self.path("x.gpkg"), "--min-area", "-1").returncode, 2)


class Interrupt(Folder):
    def test_ctrl_c_stops_the_streaming_vectoriser_and_leaves_nothing(self):
        # Noise with millions of regions: seconds of work, so the interrupt lands mid-way.
        mask = self.path("noise.tif")
        size = 6000
        dataset = gdal.GetDriverByName("GTiff").Create(mask, size, size, 1, gdal.GDT_Byte)
        dataset.SetGeoTransform([500000, 1, 0, 5000000, 0, -1])
        srs = osr.SpatialReference()
        srs.ImportFromEPSG(32633)
        dataset.SetSpatialRef(srs)
        rng = numpy.random.default_rng(4)
        dataset.GetRasterBand(1).WriteArray((rng.random((size, size)) > 0.5).astype(numpy.uint8))
        dataset = None
        before = set(os.listdir(self.folder))

        process = subprocess.Popen([CLI, "vectorize", mask, "-o", self.path("out.gpkg")],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # The hidden temporary GeoPackage appears once the checks passed and polygonizing began.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            if any(name.startswith(".out.gpkg.vectorize-") for name in os.listdir(self.folder)):
                break
            time.sleep(0.02)
        self.assertIsNone(process.poll(), "finished before it could be interrupted")
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=300)
        self.assertEqual(process.returncode, 130, stderr)
        self.assertEqual(stdout, "")
        self.assertIn("cancel", stderr)
        self.assertEqual(set(os.listdir(self.folder)), before, "no partial or temporary file left")


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
