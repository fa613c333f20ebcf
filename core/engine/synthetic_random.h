#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace refermap::engine {

// The random source of the synthetic benchmark: std::mt19937_64 (its output sequence is fixed by
// the C++ standard) with our own distributions, because std::uniform_*_distribution and
// std::normal_distribution are implemented differently by each standard library. The same seed
// gives the same numbers with every compiler and library.
class SyntheticRandom {
public:
    explicit SyntheticRandom(std::uint64_t seed)
        : engine_(seed)
    {
    }

    // The seed of item `index` of a run seeded with `seed`: a SplitMix64 mix, so items are
    // independent of each other and of how many are generated.
    static std::uint64_t itemSeed(std::uint64_t seed, std::uint64_t index)
    {
        return splitMix64(splitMix64(seed) ^ (index * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull));
    }

    std::uint64_t next() { return engine_(); }

    // Uniform in [0, 1) with 53 random bits.
    double uniform() { return static_cast<double>(engine_() >> 11) * (1.0 / 9007199254740992.0); }
    // Uniform in [low, high).
    double uniform(double low, double high) { return low + (high - low) * uniform(); }
    // Uniform integer in [low, high] (inclusive), by rejection so there is no modulo bias.
    int uniformInt(int low, int high)
    {
        const std::uint64_t range = static_cast<std::uint64_t>(static_cast<std::int64_t>(high) - low) + 1u;
        const std::uint64_t limit = UINT64_MAX - UINT64_MAX % range;
        std::uint64_t value = engine_();
        while (value >= limit)
            value = engine_();
        return static_cast<int>(static_cast<std::int64_t>(low) + static_cast<std::int64_t>(value % range));
    }
    std::size_t index(std::size_t count) { return static_cast<std::size_t>(uniformInt(0, static_cast<int>(count) - 1)); }
    bool chance(double probability) { return uniform() < probability; }
    // Normal(mean, sigma) by the Box-Muller transform (one value per call; the pair's second is dropped
    // so the sequence does not depend on call history).
    double normal(double mean, double sigma)
    {
        double u1 = uniform();
        while (u1 <= 0.0)
            u1 = uniform();
        const double u2 = uniform();
        return mean + sigma * std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    }
    template <typename T>
    const T& pick(const std::vector<T>& values)
    {
        return values[index(values.size())];
    }

private:
    static std::uint64_t splitMix64(std::uint64_t x)
    {
        x += 0x9E3779B97F4A7C15ull;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
        return x ^ (x >> 31);
    }

    std::mt19937_64 engine_;
};

} // namespace refermap::engine
