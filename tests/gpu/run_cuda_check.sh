#!/usr/bin/env bash
# Builds and runs the CUDA check on a GPU machine whose python3 has a CUDA torch (docs/gpu.md).
# Usage: tests/gpu/run_cuda_check.sh INPUTS_DIR OUT_DIR
#   INPUTS_DIR: input.safetensors and reference.safetensors (tests/gpu/make_gpu_input.py and
#               `btddnet_cuda_check --write-reference` on a CPU machine), and include/ with the
#               spdlog, fmt and nlohmann headers when the GPU machine has none.
set -euo pipefail
inputs=$(realpath "$1")
out=$(realpath "$2")
root=$(cd "$(dirname "$0")/../.." && pwd)
prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)'
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
cmake -S "$root/tests/gpu" -B /tmp/refermap-gpu "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$prefix" -DREFERMAP_THIRD_PARTY_INCLUDE="$inputs/include" >"$out/configure.log" 2>&1 \
  || { tail -40 "$out/configure.log"; exit 1; }
start=$(date +%s)
cmake --build /tmp/refermap-gpu -j "$(nproc)" >"$out/build.log" 2>&1 || { grep -m5 -A8 "error" "$out/build.log"; exit 1; }
echo "build: $(( $(date +%s) - start )) s"
/tmp/refermap-gpu/btddnet_cuda_check --model "$root/resources/models/refermap-demo-tiny.refermap" \
  --input "$inputs/input.safetensors" --reference "$inputs/reference.safetensors" \
  --json "$out/cuda_check.json" --scratch /tmp "${@:3}" 2>&1 | tee "$out/cuda_check.log"
status=${PIPESTATUS[0]}
nvidia-smi --query-gpu=memory.used --format=csv,noheader
exit $status
