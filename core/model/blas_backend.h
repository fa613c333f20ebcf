#pragma once

#include <string>

namespace refermap::model {

// Which BLAS the running libtorch calls. Debian's libtorch links the generic libblas.so.3, which
// the alternatives system points at OpenBLAS when libopenblas0-pthread is installed and at the
// reference BLAS otherwise (measured 67x slower for our matrix products).
struct BlasBackend {
    bool optimised = false; // OpenBLAS (or another tuned BLAS exposing its name) is in use
    std::string name;       // e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64"
    int threads = 1;        // BLAS threads (OpenBLAS only; 1 otherwise)
};

// Looks the BLAS up in the running process; cheap, any thread.
BlasBackend detectBlasBackend();

// Sets libtorch's intra-op threads and OpenBLAS's threads together (0 = number of cores), so the
// two pools do not oversubscribe the machine. Call from the main thread before running a model.
void configureComputeThreads(int threads);

// libtorch's version string, e.g. "1.13.1".
std::string torchVersion();

} // namespace refermap::model
