#pragma once

#include <algorithm>
#include <chrono>

namespace refermap::bench {

// Best wall time of `repeats` runs of `work`, after one warm-up run (allocator, BLAS buffers).
template <typename Work>
double bestSeconds(int repeats, Work&& work)
{
    using Clock = std::chrono::steady_clock;
    work();
    double best = 1e30;
    for (int i = 0; i < repeats; ++i) {
        const auto start = Clock::now();
        work();
        best = std::min(best, std::chrono::duration<double>(Clock::now() - start).count());
    }
    return best;
}

} // namespace refermap::bench
