#pragma once

namespace refermap::gpucheck {

// Mixed precision for the CUDA forwards of one scope, as MODEL.md suggests for the GPU. The CUDA
// check measures it against fp32 (TF32 matrix products), which the query runner uses because bf16
// was no faster (docs/gpu.md). Enables CUDA autocast with bfloat16 on construction and restores the previous state on
// destruction, also when the forward throws. Works with Debian's libtorch 1.13 and with the
// device-type API of libtorch 2.4 and later. Thread-local, like autocast itself.
class CudaAutocast {
public:
    CudaAutocast();
    ~CudaAutocast();
    CudaAutocast(const CudaAutocast&) = delete;
    CudaAutocast& operator=(const CudaAutocast&) = delete;

private:
    bool wasEnabled_ = false;
    int previousDtype_ = 0; // c10::ScalarType, kept as int so this header needs no torch header
};

} // namespace refermap::gpucheck
