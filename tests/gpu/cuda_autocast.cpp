#include "cuda_autocast.h"

#include <ATen/autocast_mode.h>
#include <torch/version.h>

// libtorch 2.4 replaced the CUDA-only calls (set_enabled, set_autocast_gpu_dtype) with calls that
// name the device type; the old ones are deprecated there and gone from later releases.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
#define REFERMAP_AUTOCAST_DEVICE_API 1
#else
#define REFERMAP_AUTOCAST_DEVICE_API 0
#endif

namespace refermap::gpucheck {

CudaAutocast::CudaAutocast()
{
#if REFERMAP_AUTOCAST_DEVICE_API
    wasEnabled_ = at::autocast::is_autocast_enabled(at::kCUDA);
    previousDtype_ = static_cast<int>(at::autocast::get_autocast_dtype(at::kCUDA));
    at::autocast::set_autocast_dtype(at::kCUDA, at::kBFloat16);
    at::autocast::set_autocast_enabled(at::kCUDA, true);
#else
    wasEnabled_ = at::autocast::is_enabled();
    previousDtype_ = static_cast<int>(at::autocast::get_autocast_gpu_dtype());
    at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
    at::autocast::set_enabled(true);
#endif
}

CudaAutocast::~CudaAutocast()
{
    // The cast weights cached for this scope are dropped: the next scope may see updated weights.
    at::autocast::clear_cache();
#if REFERMAP_AUTOCAST_DEVICE_API
    at::autocast::set_autocast_enabled(at::kCUDA, wasEnabled_);
    at::autocast::set_autocast_dtype(at::kCUDA, static_cast<at::ScalarType>(previousDtype_));
#else
    at::autocast::set_enabled(wasEnabled_);
    at::autocast::set_autocast_gpu_dtype(static_cast<at::ScalarType>(previousDtype_));
#endif
}

} // namespace refermap::gpucheck
