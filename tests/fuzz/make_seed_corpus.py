#!/usr/bin/env python3
"""Writes the fuzzers' seed corpora (standard library only; run from anywhere):

  corpus/safetensors/  small valid safetensors files: every dtype, metadata, empty and scalar
                       tensors, zero-sized tensors sharing an offset, a padded header
  corpus/tokenizer/    expressions as the fuzzer reads them: first byte = maximum length - 1, then
                       UTF-8 text (accents, CJK, punctuation, control characters, long words)

The files are committed; rerun this script after changing it. See docs/fuzzing.md.
"""

import json
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def safetensors(tensors, metadata=None, pad=True):
    header = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    offset = 0
    data = b""
    for name in sorted(tensors):
        dtype, shape, blob = tensors[name]
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        data += blob
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    if pad:
        text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + data


SAFETENSORS = {
    "empty": safetensors({}),
    "metadata_only": safetensors({}, {"format": "pt", "note": "ünïcode"}),
    "every_dtype": safetensors({
        "f32": ("F32", [2, 2], struct.pack("<4f", 1.0, -0.0, 3.5, float("inf"))),
        "f16": ("F16", [2], struct.pack("<2H", 0x3C00, 0x7E00)),
        "bf16": ("BF16", [1, 2], struct.pack("<2H", 0x3F80, 0xFF80)),
        "i64": ("I64", [1], struct.pack("<q", -2 ** 63)),
        "i32": ("I32", [3], struct.pack("<3i", 1, -1, 2 ** 31 - 1)),
        "u8": ("U8", [4], bytes([0, 1, 254, 255])),
        "bool": ("BOOL", [2], bytes([0, 1])),
    }, {"format": "pt"}),
    "scalar_and_zero_sized": safetensors({
        "scalar": ("F32", [], struct.pack("<f", 2.0)),
        "zero_a": ("F32", [0], b""),
        "zero_b": ("U8", [3, 0, 2], b""),
    }),
    "refermap_model": safetensors({
        "swin.patch_embed.proj.bias": ("F32", [2], struct.pack("<2f", 0.5, -0.5)),
        "bert.embeddings.LayerNorm.weight": ("F32", [2], struct.pack("<2f", 1.0, 1.0)),
    }, {"format": "refermap-model", "format_version": "1", "config": "{}", "vocabulary": "[PAD]\n[UNK]\n"}),
    "unpadded_header": safetensors({"w": ("U8", [1], b"\x07")}, pad=False),
}

TOKENIZER = {
    "plain": (20, "the red car on the left"),
    "accents": (20, "Café naïve résumé ÅNGSTRÖM"),
    "punctuation": (32, "building's roof (north-east), \"white\"; 2nd from left!?"),
    "cjk": (16, "左边的红色汽车 and 右边"),
    "control": (8, "a\x00b\tc\r\nd\x7f\u200be\ufeff"),
    "long_word": (64, "x" * 150 + " supercalifragilisticexpialidocious"),
    "truncated": (1, "many words that will not fit"),
    "empty": (20, ""),
    "invalid_utf8": (12, b"\xff\xfe abc \xc3\x28 \xe2\x82 end"),
}


def main():
    folder = os.path.join(HERE, "corpus", "safetensors")
    os.makedirs(folder, exist_ok=True)
    for name, content in SAFETENSORS.items():
        with open(os.path.join(folder, name + ".safetensors"), "wb") as out:
            out.write(content)
    folder = os.path.join(HERE, "corpus", "tokenizer")
    os.makedirs(folder, exist_ok=True)
    for name, (max_length, text) in TOKENIZER.items():
        raw = text if isinstance(text, bytes) else text.encode("utf-8")
        with open(os.path.join(folder, name + ".txt"), "wb") as out:
            out.write(bytes([max_length - 1]) + raw)


if __name__ == "__main__":
    main()
