// Matrix-product speed of the libtorch in use, as a ratio to a plain C++ triple loop run in the
// same process (the baseline), so the figure survives noisy machines. The reference BLAS comes out
// near 1x; OpenBLAS far above. Usage: blas_bench [size=512] [repeats=5]
#include "bench_timing.h"
#include "model/blas_backend.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

using refermap::bench::bestSeconds;

namespace {

// i-k-j loop order: the fair, cache-friendly naive baseline.
void naiveProduct(const std::vector<float>& a, const std::vector<float>& b, std::vector<float>& c, int n)
{
    std::fill(c.begin(), c.end(), 0.0f);
    for (int i = 0; i < n; ++i)
        for (int k = 0; k < n; ++k) {
            const float aik = a[static_cast<std::size_t>(i) * n + k];
            for (int j = 0; j < n; ++j)
                c[static_cast<std::size_t>(i) * n + j] += aik * b[static_cast<std::size_t>(k) * n + j];
        }
}

} // namespace

int main(int argc, char** argv)
{
    const int n = argc > 1 ? std::atoi(argv[1]) : 512;
    const int repeats = argc > 2 ? std::atoi(argv[2]) : 5;
    torch::NoGradGuard noGrad;
    refermap::model::configureComputeThreads(0);
    const auto blas = refermap::model::detectBlasBackend();

    torch::manual_seed(0);
    const torch::Tensor a = torch::rand({n, n});
    const torch::Tensor b = torch::rand({n, n});
    std::vector<float> va(a.data_ptr<float>(), a.data_ptr<float>() + a.numel());
    std::vector<float> vb(b.data_ptr<float>(), b.data_ptr<float>() + b.numel());
    std::vector<float> vc(va.size());

    const double baseline = bestSeconds(repeats, [&] { naiveProduct(va, vb, vc, n); });
    torch::Tensor product;
    const double torchAll = bestSeconds(repeats, [&] { product = torch::mm(a, b); });
    refermap::model::configureComputeThreads(1);
    const double torchOne = bestSeconds(repeats, [&] { product = torch::mm(a, b); });

    const float error = (product - torch::from_blob(vc.data(), {n, n})).abs().max().item<float>();
    const double flops = 2.0 * n * n * n;
    std::printf("BLAS: %s\n", blas.name.c_str());
    std::printf("matrix product %dx%d, best of %d\n", n, n, repeats);
    std::printf("  naive loop (baseline)  %8.2f GFLOP/s  1.00x\n", flops / baseline / 1e9);
    std::printf("  libtorch, 1 thread     %8.2f GFLOP/s  %.2fx\n", flops / torchOne / 1e9, baseline / torchOne);
    std::printf("  libtorch, all threads  %8.2f GFLOP/s  %.2fx\n", flops / torchAll / 1e9, baseline / torchAll);
    std::printf("  max |difference|       %g\n", static_cast<double>(error));
    return error < 1e-2f * static_cast<float>(n) ? 0 : 1;
}
