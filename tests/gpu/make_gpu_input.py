#!/usr/bin/env python3
"""Writes the inputs of the CUDA check (tests/gpu/btddnet_cuda_check.cpp) as a safetensors file:
four 384 px windows of the bundled demo scene, resampled to the model's input size and normalised as
the query pipeline does (values / 255 after its stretch, then ImageNet mean/std), and the token ids of
one expression from `refermap-cli tokenize --json`.

Usage: make_gpu_input.py REFERMAP_CLI SCENE.tif "EXPRESSION" SIZE OUT.safetensors
Needs numpy and GDAL's Python bindings (Debian: python3-numpy, python3-gdal)."""
import json
import struct
import subprocess
import sys

import numpy as np
from osgeo import gdal


def write_safetensors(path, tensors):
    header = {}
    offset = 0
    blobs = []
    for name, array in tensors.items():
        array = np.ascontiguousarray(array)
        dtype = {np.dtype("float32"): "F32", np.dtype("int64"): "I64"}[array.dtype]
        data = array.tobytes()
        header[name] = {"dtype": dtype, "shape": list(array.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(text)))
        out.write(text)
        for blob in blobs:
            out.write(blob)


def main():
    cli, scene_path, expression, size, out_path = sys.argv[1:6]
    size = int(size)
    scene = gdal.Open(scene_path)
    if scene is None:
        sys.exit(f"cannot open {scene_path}")
    window = 384
    corners = [(0, 0), (scene.RasterXSize - window, 0), (0, scene.RasterYSize - window),
               (scene.RasterXSize - window, scene.RasterYSize - window)]
    mean = np.array([0.485, 0.456, 0.406], dtype=np.float32).reshape(3, 1, 1)
    std = np.array([0.229, 0.224, 0.225], dtype=np.float32).reshape(3, 1, 1)
    images = []
    for x, y in corners:
        pixels = scene.ReadAsArray(x, y, window, window, buf_xsize=size, buf_ysize=size,
                                   resample_alg=gdal.GRIORA_Bilinear).astype(np.float32) / 255.0
        images.append((pixels[:3] - mean) / std)
    tokens = json.loads(subprocess.run([cli, "tokenize", "--json", expression], check=True,
                                       capture_output=True, text=True).stdout)
    batch = len(images)

    def ids(key):
        return np.tile(np.array(tokens[key], dtype=np.int64), (batch, 1))

    write_safetensors(out_path, {
        "image": np.stack(images).astype(np.float32),
        "ids": ids("input_ids"),
        "attention": ids("attention_mask"),
        "masked": ids("masked_input_ids"),
    })


if __name__ == "__main__":
    main()
