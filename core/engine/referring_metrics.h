#pragma once

#include <ATen/core/Tensor.h> // at::Tensor is torch::Tensor; torch/torch.h stays out of headers

#include <array>
#include <cstdint>
#include <string>

namespace refermap::engine {

// The thresholds of the precision columns, in table order.
inline constexpr std::array<double, 5> referringPrecisionThresholds {0.5, 0.6, 0.7, 0.8, 0.9};

// Scores over the samples added so far; ratios in [0, 1] (0 when there is no sample).
struct ReferringScores {
    std::int64_t samples = 0;
    double mIoU = 0.0; // mean of per-sample IoU
    double oIoU = 0.0; // Σ intersection / Σ union (0 when Σ union = 0)
    std::array<double, 5> precisionAt {}; // share of samples with IoU ≥ referringPrecisionThresholds[i]
};

// The referring-segmentation metrics exactly as the reference code computes them (MODEL.md, training
// recipe): per sample, I and U between the predicted 0/1 mask (argmax at network resolution) and the
// ground truth (nearest-resized to the same size); IoU = I / U, and 0 when U = 0 (both masks empty).
// Not thread-safe: one accumulator per thread, or a lock around it.
class ReferringMetrics {
public:
    // Adds one sample. `prediction` and `truth`: (H, W) tensors of any integer or bool dtype on any
    // device; non-zero is foreground. Throws std::invalid_argument when they are not 2-D or differ in size.
    void add(const at::Tensor& prediction, const at::Tensor& truth);
    // Adds one sample from its counts. Throws std::invalid_argument unless 0 ≤ intersection ≤ union.
    void addCounts(std::int64_t intersection, std::int64_t unionCount);

    ReferringScores scores() const;
    std::int64_t samples() const { return samples_; }

    // The paper's table row in percent with 2 decimals:
    // "Pr@0.5 | Pr@0.6 | Pr@0.7 | Pr@0.8 | Pr@0.9 | oIoU | mIoU", e.g. "81.25 | 75.00 | … | 70.12 | 69.80".
    std::string tableRow() const;
    // The header matching tableRow(), column for column.
    static std::string tableHeader();

private:
    std::int64_t samples_ = 0;
    std::int64_t intersectionSum_ = 0;
    std::int64_t unionSum_ = 0;
    double iouSum_ = 0.0;
    std::array<std::int64_t, 5> hits_ {};
};

} // namespace refermap::engine
