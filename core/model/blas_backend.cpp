#include "model/blas_backend.h"

#include "model/compute_thread_waits.h"

#include <ATen/Parallel.h>
#include <torch/version.h>

#include <dlfcn.h>
#include <spdlog/spdlog.h>
#include <thread>

namespace refermap::model {

namespace {

template <typename Function>
Function lookup(const char* symbol)
{
    // The BLAS is already loaded by libtorch; RTLD_DEFAULT searches every loaded library.
    return reinterpret_cast<Function>(::dlsym(RTLD_DEFAULT, symbol));
}

} // namespace

BlasBackend detectBlasBackend()
{
    BlasBackend backend;
    using GetConfig = char* (*)();
    using GetThreads = int (*)();
    if (auto getConfig = lookup<GetConfig>("openblas_get_config")) {
        backend.optimised = true;
        backend.name = getConfig();
        if (auto getThreads = lookup<GetThreads>("openblas_get_num_threads"))
            backend.threads = getThreads();
        return backend;
    }
    if (lookup<GetThreads>("mkl_get_max_threads")) {
        backend.optimised = true;
        backend.name = "Intel MKL";
        return backend;
    }
    if (lookup<GetThreads>("bli_info_get_version_str")) {
        backend.optimised = true;
        backend.name = "BLIS";
        return backend;
    }
    backend.name = "reference BLAS (slow: install libopenblas0-pthread)";
    return backend;
}

void configureComputeThreads(int threads)
{
    if (threads <= 0)
        threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    at::set_num_threads(threads);
    using SetThreads = void (*)(int);
    if (auto setThreads = lookup<SetThreads>("openblas_set_num_threads"))
        setThreads(threads);
    spdlog::info("compute threads: {} (libtorch and OpenBLAS); idle threads wait: {}", threads,
                 ComputeThreadWaits::current());
}

std::string torchVersion()
{
    return TORCH_VERSION;
}

} // namespace refermap::model
