"""The interpreter CMake chose for parity tests imports torch and torchvision, and its torch is
the same release (major.minor) as the libtorch refermap-cli runs on."""
import re
import subprocess
import sys
import unittest

CLI = sys.argv[1]


class ReferencePython(unittest.TestCase):
    def test_same_torch_release(self):
        import torch
        import torchvision  # noqa: F401  (the Swin reference lives here)

        report = subprocess.run([CLI, "version"], capture_output=True, text=True, check=True).stdout
        linked = re.search(r"libtorch: (\d+)\.(\d+)", report)
        self.assertIsNotNone(linked, report)
        python_version = re.match(r"(\d+)\.(\d+)", torch.__version__)
        self.assertEqual(linked.groups(), python_version.groups(), (report, torch.__version__))

    def test_torchvision_has_swin(self):
        from torchvision.models import swin_t

        model = swin_t(weights=None)
        self.assertEqual(model.features[0][0].kernel_size, (4, 4))


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
