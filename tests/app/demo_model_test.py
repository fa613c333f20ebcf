"""The bundled demo model: `eval` on the test split of its synthetic benchmark reproduces the scores
published in docs/demo-model.md, and the README's main job (`query` on the bundled demo scene with the
bundled demo model) writes georeferenced outputs that GDAL/OGR read.

Arguments: refermap-cli, the source tree.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

from osgeo import gdal, ogr, osr

CLI = sys.argv[1]
SOURCE = sys.argv[2]
MODEL = os.path.join(SOURCE, "resources", "models", "refermap-demo-tiny.refermap")
SCENE = os.path.join(SOURCE, "resources", "demo", "harbour-scene.tif")
DOCS = os.path.join(SOURCE, "docs", "demo-model.md")
gdal.UseExceptions()


def published():
    """The synth command and the eval JSON published in docs/demo-model.md."""
    with open(DOCS, encoding="utf-8") as f:
        text = f.read()
    synth = re.search(r"regenerates the colour benchmark with\s+`refermap-cli synth ((?:--\S+ \S+ )+)-o", text)
    scores = re.search(r"```json\n(\{.*?\})\n```", text, re.S)
    assert synth and scores, "docs/demo-model.md must show the synth command and the eval JSON"
    return synth.group(1).split(), json.loads(scores.group(1))


class DemoModel(unittest.TestCase):
    def test_model_file_is_small_and_says_what_it_is(self):
        self.assertLess(os.path.getsize(MODEL), 30 * 1024 * 1024)
        info = subprocess.run([CLI, "model", "info", MODEL, "--json"], capture_output=True, text=True)
        self.assertEqual(info.returncode, 0, info.stderr)
        self.assertEqual(json.loads(info.stdout)["config"]["image_size"], 128)

    def test_eval_reproduces_the_published_scores(self):
        synth_args, expected = published()
        with tempfile.TemporaryDirectory(prefix="refermap-demo-eval-") as folder:
            dataset = os.path.join(folder, "synthetic")
            made = subprocess.run([CLI, "synth", *synth_args, "-o", dataset], capture_output=True, text=True)
            self.assertEqual(made.returncode, 0, made.stderr)
            result = subprocess.run([CLI, "eval", MODEL, dataset, "--split", "test", "--json", "--device", "cpu"],
                                    capture_output=True, text=True)
            self.assertEqual(result.returncode, 0, result.stderr)
            scores = json.loads(result.stdout)
            print("published:", expected, "\nmeasured: ", scores)
            self.assertEqual(scores["samples"], expected["samples"])
            # Another CPU may round a few logits differently (BLAS kernels differ by architecture).
            for key in ("mIoU", "oIoU"):
                self.assertAlmostEqual(scores[key], expected[key], delta=0.005, msg=key)

    def test_readme_main_job(self):
        """README's first command ends with packaging/open-demo.sh: without a display it runs the
        demo query through refermap-cli, says so, and writes georeferenced outputs."""
        with open(os.path.join(SOURCE, "README.md"), encoding="utf-8") as f:
            readme = f.read()
        self.assertIn("cmake --workflow --preset release && packaging/open-demo.sh", readme)
        build = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(CLI))))
        environment = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
        with tempfile.TemporaryDirectory(prefix="refermap-demo-query-") as folder:
            result = subprocess.run([os.path.join(SOURCE, "packaging", "open-demo.sh"), build], cwd=folder,
                                    env=environment, capture_output=True, text=True)
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertIn("no display", result.stderr)
            print(result.stdout)
            output = os.path.join(folder, "harbour-tanks.gpkg")
            scene = gdal.Open(SCENE)
            mask = gdal.Open(output[:-len(".gpkg")] + ".mask.tif")
            self.assertEqual(mask.GetGeoTransform(), scene.GetGeoTransform())
            self.assertTrue(mask.GetSpatialRef().IsSame(scene.GetSpatialRef()))
            vectors = ogr.Open(output)  # the layer lives as long as its data source
            layer = vectors.GetLayer(0)
            self.assertTrue(layer.GetSpatialRef().IsSame(scene.GetSpatialRef()))
            self.assertGreater(layer.GetFeatureCount(), 0)
            layer = None
            vectors = None
            self.assertIn("feature(s)", result.stdout)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]])
