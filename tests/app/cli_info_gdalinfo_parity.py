"""Parity: refermap-cli info --json against GDAL's own gdalinfo -json on every real raster."""
import json
import math
import os
import subprocess
import sys
import unittest

CLI, GDALINFO, REAL = sys.argv[1], sys.argv[2], sys.argv[3]
RASTERS = sorted(f for f in os.listdir(REAL) if f.endswith(".tif"))


def load(*command):
    return json.loads(subprocess.run(command, capture_output=True, text=True, check=True, timeout=60).stdout)


class AgainstGdalinfo(unittest.TestCase):
    def test_every_raster(self):
        self.assertTrue(RASTERS)
        for name in RASTERS:
            path = os.path.join(REAL, name)
            ours = load(CLI, "info", "--json", path)
            theirs = load(GDALINFO, "-json", path)
            with self.subTest(raster=name):
                self.assertEqual([ours["width"], ours["height"]], theirs["size"])
                self.assertEqual(ours["driver"], theirs["driverShortName"])
                for a, b in zip(ours["geotransform"], theirs["geoTransform"]):
                    self.assertTrue(math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12), (a, b))
                self.assertEqual(ours["crs"]["epsg"], theirs["stac"]["proj:epsg"])
                self.assertEqual(len(ours["bands"]), len(theirs["bands"]))
                structure = theirs.get("metadata", {}).get("IMAGE_STRUCTURE", {})
                self.assertEqual(ours["compression"], structure.get("COMPRESSION", ""))
                self.assertEqual(ours["interleave"], structure.get("INTERLEAVE", ""))
                self.assertEqual(ours["layout"], structure.get("LAYOUT", ""))
                for mine, ref in zip(ours["bands"], theirs["bands"]):
                    self.assertEqual(mine["index"], ref["band"])
                    self.assertEqual(mine["type"], ref["type"])
                    self.assertEqual(mine["color_interpretation"], ref["colorInterpretation"])
                    self.assertEqual(mine["block_size"], ref["block"])
                    self.assertEqual(mine["nodata"], ref.get("noDataValue"))
                    self.assertEqual(mine["overviews"], [o["size"] for o in ref.get("overviews", [])])
                    # gdalinfo lists the mask only when it is neither ALL_VALID nor NODATA
                    if "mask" in ref:
                        self.assertEqual(mine["mask_flags"], ref["mask"]["flags"])
                    else:
                        expected = ["NODATA"] if "noDataValue" in ref else ["ALL_VALID"]
                        self.assertEqual(mine["mask_flags"], expected)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
