"""refermap-cli tokenize as a user runs it: text and JSON output, the reference cases, vocabulary errors, exit codes."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

CLI = sys.argv[1]
VOCAB_DIR = sys.argv[2]  # ../shared/data/vocab: the vocabulary and tokenizer-cases.json


def run(*args):
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=60)


class Tokenize(unittest.TestCase):
    def test_text_output_is_readable(self):
        result = run("tokenize", "the white storage tanks near the harbor")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stderr, "")
        out = result.stdout
        self.assertIn("Wordpieces:      the white storage tanks near the harbor\n", out)
        self.assertIn("Input ids:       101 1996 2317 5527 7286 2379 1996 6496 102 0 0 0 0 0 0 0 0 0 0 0\n", out)
        self.assertIn("Attention mask:  1 1 1 1 1 1 1 1 1 0 0 0 0 0 0 0 0 0 0 0\n", out)
        self.assertIn("Masked ids:      101 1996 2317 0 0 2379 1996 6496 102 0 0 0 0 0 0 0 0 0 0 0\n", out)
        self.assertIn("Masked words:    storage tanks\n", out)

    def test_json_has_exactly_the_documented_keys(self):
        result = run("tokenize", "--json", "the overpass near the bikeway")
        self.assertEqual(result.returncode, 0, result.stderr)
        data = json.loads(result.stdout)
        self.assertEqual(list(data), ["wordpieces", "input_ids", "attention_mask", "masked_input_ids", "masked_words"])
        self.assertEqual(data["wordpieces"], ["the", "over", "##pass", "near", "the", "bike", "##way"])
        self.assertEqual(data["masked_words"], ["overpass"])
        self.assertEqual(data["masked_input_ids"][:4], [101, 1996, 0, 0])
        self.assertEqual(len(data["input_ids"]), 20)

    def test_reference_cases_with_an_explicit_vocabulary(self):
        # Every third case (the unit test checks all of them; each run here starts libtorch).
        with open(os.path.join(VOCAB_DIR, "tokenizer-cases.json"), encoding="utf-8") as cases_file:
            cases = json.load(cases_file)[::3]
        vocab = os.path.join(VOCAB_DIR, "bert-base-uncased-vocab.txt")
        for case in cases:
            with self.subTest(text=case["text"]):
                result = run("tokenize", "--json", "--vocab", vocab, "--", case["text"])
                self.assertEqual(result.returncode, 0, result.stderr)
                data = json.loads(result.stdout)
                self.assertEqual(data["wordpieces"], case["wordpieces"])
                self.assertEqual(data["input_ids"], case["input_ids_20"])
                self.assertEqual(data["attention_mask"], case["attention_mask_20"])
                masked = [0 if m != i else i for m, i in zip(data["masked_input_ids"], data["input_ids"])]
                self.assertEqual(masked, data["masked_input_ids"])


class BadInputs(unittest.TestCase):
    def assert_fails_naming(self, path, words):
        result = run("tokenize", "the ship", "--vocab", path)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertEqual(result.stdout, "")
        self.assertTrue(result.stderr.startswith("refermap-cli: error: "), result.stderr)
        self.assertIn(path, result.stderr)
        self.assertIn(words, result.stderr)

    def test_missing_vocabulary(self):
        self.assert_fails_naming("/nonexistent/vocab.txt", "not found")

    def test_bad_vocabularies(self):
        with tempfile.TemporaryDirectory() as folder:
            empty = os.path.join(folder, "empty.txt")
            open(empty, "w").close()
            self.assert_fails_naming(empty, "empty")
            wrong = os.path.join(folder, "wrong.txt")
            with open(wrong, "w") as f:
                f.write("[PAD]\nroad\n")
            self.assert_fails_naming(wrong, "[UNK]")
            self.assert_fails_naming(folder, "folder")

    def test_usage_errors_exit_2(self):
        self.assertEqual(run("tokenize").returncode, 2)
        self.assertEqual(run("tokenize", "the ship", "--no-such-option").returncode, 2)
        self.assertEqual(run("tokenize", "the ship", "--vocab").returncode, 2)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
