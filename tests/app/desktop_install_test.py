"""What a user gets installed: the file layout, the desktop integration files and the Debian package.

--mode install: `cmake --install` of the build folder into a temporary DESTDIR (prefix /usr).
--mode deb:     `cpack -G DEB` of the build folder into a temporary folder, then dpkg-deb -f/-c/-x.
Both check the same file list (executables, desktop files, icon, bundled model/vocabulary/demo scene,
nothing else), that the launcher, the AppStream metadata and the icon name each other consistently,
and that the installed refermap-cli runs from the installed tree.
"""
import argparse
import configparser
import glob
import os
import re
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ElementTree

parser = argparse.ArgumentParser()
parser.add_argument("--mode", choices=["install", "deb"], required=True)
parser.add_argument("--build-dir", required=True)
parser.add_argument("--version", required=True)
parser.add_argument("--gui", required=True, help="1 when the build has the Qt application")
parser.add_argument("--cmake")
parser.add_argument("--cpack")
parser.add_argument("--dpkg-deb")
ARGS = parser.parse_args()
GUI = ARGS.gui in ("1", "ON", "TRUE")
APP_ID = "org.refermap.ReferMap"

# Every installed file must be one of these, or below one of the data folders.
REQUIRED_FILES = [
    "usr/bin/refermap-cli",
    "usr/share/refermap/models/refermap-demo-tiny.refermap",
    "usr/share/refermap/vocab/bert-base-uncased-vocab.txt",
    "usr/share/refermap/demo/harbour-scene.tif",
    "usr/share/refermap/demo/harbour-scene-mask.tif",
    "usr/share/refermap/sample/cogeo.tif",
]
GUI_FILES = [
    "usr/bin/refermap",
    f"usr/share/applications/{APP_ID}.desktop",
    f"usr/share/metainfo/{APP_ID}.metainfo.xml",
    f"usr/share/icons/hicolor/scalable/apps/{APP_ID}.svg",
]
ALLOWED_FOLDERS = ["usr/share/refermap/"]


def run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, timeout=280, **kwargs)
    if result.returncode != 0:
        raise AssertionError(f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result.stdout


def installed_files(root):
    files = []
    for folder, _, names in os.walk(root):
        for name in names:
            files.append(os.path.relpath(os.path.join(folder, name), root))
    return sorted(files)


class InstalledTree(unittest.TestCase):
    """The checks shared by both modes; subclasses set `root` (an extracted /) and `files`."""

    root = None
    files = None

    def test_every_expected_file_is_installed(self):
        expected = REQUIRED_FILES + (GUI_FILES if GUI else [])
        missing = [path for path in expected if path not in self.files]
        self.assertEqual(missing, [], f"installed: {self.files}")

    def test_nothing_unexpected_is_installed(self):
        # Headers, static libraries, test executables or stray build files must not reach users.
        expected = set(REQUIRED_FILES + (GUI_FILES if GUI else []))
        unexpected = [path for path in self.files
                      if path not in expected and not any(path.startswith(folder) for folder in ALLOWED_FOLDERS)]
        self.assertEqual(unexpected, [])

    def test_executables_are_executable(self):
        for name in ["refermap-cli"] + (["refermap"] if GUI else []):
            path = os.path.join(self.root, "usr/bin", name)
            self.assertTrue(os.access(path, os.X_OK), path)

    def test_installed_cli_runs_and_reports_its_version(self):
        output = run([os.path.join(self.root, "usr/bin/refermap-cli"), "version"])
        self.assertRegex(output, rf"(?m)^ReferMap: {re.escape(ARGS.version)}$")
        self.assertRegex(output, r"(?m)^libtorch: \S+")

    def test_installed_cli_uses_the_installed_vocabulary(self):
        # Bundled files are looked up next to the executable first (bin/../share/refermap), so the
        # installed tree must be self-sufficient; the debug log names the vocabulary it read.
        result = subprocess.run([os.path.join(self.root, "usr/bin/refermap-cli"), "--log-level", "debug",
                                 "tokenize", "storage tank"], capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("storage", result.stdout)
        vocabulary = os.path.join(os.path.realpath(self.root), "usr/share/refermap/vocab/bert-base-uncased-vocab.txt")
        self.assertIn(f"vocabulary '{vocabulary}'", result.stderr)

    def test_launcher_metadata_and_icon_name_each_other(self):
        if not GUI:  # a CLI-only build installs no launcher, metadata or icon
            self.assertNotIn(f"usr/share/applications/{APP_ID}.desktop", self.files)
            self.assertNotIn(f"usr/share/metainfo/{APP_ID}.metainfo.xml", self.files)
            return
        desktop = configparser.ConfigParser(interpolation=None)
        desktop.optionxform = str
        desktop.read(os.path.join(self.root, f"usr/share/applications/{APP_ID}.desktop"), encoding="utf-8")
        entry = desktop["Desktop Entry"]
        self.assertEqual(entry["Icon"], APP_ID)
        self.assertIn(f"usr/share/icons/hicolor/scalable/apps/{entry['Icon']}.svg", self.files)
        executable = entry["Exec"].split()[0]
        self.assertIn(f"usr/bin/{executable}", self.files)

        metainfo = ElementTree.parse(os.path.join(self.root, f"usr/share/metainfo/{APP_ID}.metainfo.xml")).getroot()
        self.assertEqual(metainfo.findtext("id"), APP_ID)
        self.assertEqual(metainfo.findtext("launchable[@type='desktop-id']"), f"{APP_ID}.desktop")
        for binary in metainfo.findall("provides/binary"):
            self.assertIn(f"usr/bin/{binary.text}", self.files)
        releases = [release.get("version") for release in metainfo.findall("releases/release")]
        self.assertIn(ARGS.version, releases, "the metainfo lacks a <release> for this version")

    def test_icon_is_a_square_svg(self):
        if not GUI:
            self.assertNotIn(f"usr/share/icons/hicolor/scalable/apps/{APP_ID}.svg", self.files)
            return
        svg = ElementTree.parse(os.path.join(self.root, f"usr/share/icons/hicolor/scalable/apps/{APP_ID}.svg")).getroot()
        self.assertEqual(svg.tag, "{http://www.w3.org/2000/svg}svg")
        _, _, width, height = svg.get("viewBox").split()
        self.assertEqual(width, height)


class CmakeInstall(InstalledTree):
    @classmethod
    def setUpClass(cls):
        cls._folder = tempfile.TemporaryDirectory(prefix="refermap-install-")
        cls.root = cls._folder.name
        run([ARGS.cmake, "--install", ARGS.build_dir, "--prefix", "/usr"], env={**os.environ, "DESTDIR": cls.root})
        cls.files = installed_files(cls.root)

    @classmethod
    def tearDownClass(cls):
        cls._folder.cleanup()


def depends_names(field):
    # "libc6 (>= 2.34), libgdal32 (>= 3.6.0) | foo" -> {"libc6", "libgdal32", "foo"}
    return {re.sub(r"[\s(:].*", "", alternative.strip()) for clause in field.split(",") for alternative in clause.split("|")
            if alternative.strip()}


class DebianPackage(InstalledTree):
    @classmethod
    def setUpClass(cls):
        cls._folder = tempfile.TemporaryDirectory(prefix="refermap-deb-")
        folder = cls._folder.name
        run([ARGS.cpack, "--config", os.path.join(ARGS.build_dir, "CPackConfig.cmake"), "-G", "DEB", "-B", folder])
        packages = glob.glob(os.path.join(folder, "*.deb"))
        if len(packages) != 1:
            raise AssertionError(f"expected one .deb in {folder}, found {packages}")
        cls.package = packages[0]
        cls.fields = {name: run([ARGS.dpkg_deb, "-f", cls.package, name]).strip()
                      for name in ["Package", "Version", "Architecture", "Depends", "Recommends"]}
        listing = run([ARGS.dpkg_deb, "-c", cls.package])
        # "-rwxr-xr-x root/root 123 2026-01-01 00:00 ./usr/bin/refermap-cli"
        cls.listed = sorted(line.split(None, 5)[5].removeprefix("./") for line in listing.splitlines()
                            if line.startswith("-"))
        cls.root = os.path.join(folder, "root")
        run([ARGS.dpkg_deb, "-x", cls.package, cls.root])
        cls.files = installed_files(cls.root)

    @classmethod
    def tearDownClass(cls):
        cls._folder.cleanup()

    def test_listing_matches_the_extracted_tree(self):
        self.assertEqual(self.listed, self.files)

    def test_control_fields(self):
        self.assertEqual(self.fields["Package"], "refermap")
        self.assertEqual(self.fields["Version"], ARGS.version)
        self.assertEqual(self.fields["Architecture"], run(["dpkg", "--print-architecture"]).strip())

    def test_depends_lists_the_runtime_libraries(self):
        names = depends_names(self.fields["Depends"])
        # dpkg-shlibdeps: the C++ runtime, libtorch, GDAL, OpenCV; by hand: OpenBLAS (dlopen'ed via
        # the libblas.so.3 alternative, invisible to shlibdeps).
        patterns = [r"libc6", r"libstdc\+\+6", r"libtorch[0-9.]+", r"libgdal[0-9]+", r"libopencv-core[0-9.]+d?",
                    r"libicu[0-9]+", r"libopenblas0-pthread", r"libjemalloc2"]
        if GUI:
            patterns += [r"libqt6widgets6", r"libqt6gui6", r"libqt6core6"]
        missing = [pattern for pattern in patterns if not any(re.fullmatch(pattern, name) for name in names)]
        self.assertEqual(missing, [], f"Depends: {self.fields['Depends']}")

    def test_depends_has_no_development_packages(self):
        names = depends_names(self.fields["Depends"])
        self.assertEqual([name for name in names if name.endswith("-dev")], [])

    def test_executables_are_stripped(self):
        # Debug information would make the package several times larger; it stays in the build folder.
        for name in ["refermap-cli"] + (["refermap"] if GUI else []):
            output = run(["file", "-b", os.path.join(self.root, "usr/bin", name)])
            self.assertIn("stripped", output)
            self.assertNotIn("not stripped", output)


if __name__ == "__main__":
    suite = unittest.TestLoader().loadTestsFromTestCase(CmakeInstall if ARGS.mode == "install" else DebianPackage)
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    sys.exit(0 if result.wasSuccessful() else 1)
