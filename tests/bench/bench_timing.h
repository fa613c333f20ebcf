#pragma once

#include <algorithm>
#include <chrono>
#include <vector>

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

// Median wall time of `repeats` runs of `work`, after one warm-up run: for work of a few
// milliseconds, whose best run is an outlier on a shared machine.
template <typename Work>
double medianSeconds(int repeats, Work&& work)
{
    using Clock = std::chrono::steady_clock;
    work();
    std::vector<double> times;
    for (int i = 0; i < repeats; ++i) {
        const auto start = Clock::now();
        work();
        times.push_back(std::chrono::duration<double>(Clock::now() - start).count());
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

} // namespace refermap::bench
