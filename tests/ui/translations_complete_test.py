"""Every translatable string in ui/ and app/gui is present and finished in every .ts file.

Runs lupdate over the sources into scratch copies of the .ts files (the originals are never
touched) and fails on any entry left unfinished, i.e. a tr() string nobody translated."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

LUPDATE, SOURCE_DIR, TS_FILES = sys.argv[1], sys.argv[2], sys.argv[3:]


class TranslationsComplete(unittest.TestCase):
    def test_every_string_translated_in_every_language(self):
        self.assertEqual(len(TS_FILES), 3)
        with tempfile.TemporaryDirectory() as scratch:
            for ts in TS_FILES:
                copy = os.path.join(scratch, os.path.basename(ts))
                shutil.copy(ts, copy)
                subprocess.run(
                    [LUPDATE, "-silent", "-locations", "none", "-I", SOURCE_DIR, "-I",
                     os.path.join(SOURCE_DIR, "core"), os.path.join(SOURCE_DIR, "ui"),
                     os.path.join(SOURCE_DIR, "app", "gui"), "-ts", copy],
                    check=True, capture_output=True)
                text = open(copy, encoding="utf-8").read()
                with self.subTest(ts=os.path.basename(ts)):
                    self.assertGreater(text.count("<source>"), 5)
                    missing = re.findall(r"<source>(.*?)</source>\s*<translation type=\"unfinished\"",
                                         text, re.S)
                    self.assertEqual(missing, [], "untranslated strings")
                    self.assertNotIn("type=\"vanished\"", text, "strings no longer in the code")
                    self.assertNotIn("type=\"obsolete\"", text, "strings no longer in the code")


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
