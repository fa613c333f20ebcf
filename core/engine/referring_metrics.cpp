#include "engine/referring_metrics.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <stdexcept>

namespace refermap::engine {

namespace {

bool isMaskType(c10::ScalarType type)
{
    return type == torch::kBool || c10::isIntegralType(type, /*includeBool=*/true);
}

} // namespace

void ReferringMetrics::add(const torch::Tensor& prediction, const torch::Tensor& truth)
{
    if (prediction.dim() != 2 || truth.dim() != 2)
        throw std::invalid_argument("ReferringMetrics::add: masks must be 2-D (H, W)");
    if (prediction.sizes() != truth.sizes())
        throw std::invalid_argument("ReferringMetrics::add: prediction " + c10::str(prediction.sizes()) + " and truth "
            + c10::str(truth.sizes()) + " differ in size");
    if (!isMaskType(prediction.scalar_type()) || !isMaskType(truth.scalar_type()))
        throw std::invalid_argument("ReferringMetrics::add: masks must have an integer or bool dtype");
    const torch::Tensor predicted = prediction.ne(0);
    const torch::Tensor expected = truth.to(prediction.device()).ne(0);
    const std::int64_t intersection = torch::logical_and(predicted, expected).sum().item<std::int64_t>();
    const std::int64_t unionCount = torch::logical_or(predicted, expected).sum().item<std::int64_t>();
    addCounts(intersection, unionCount);
}

void ReferringMetrics::addCounts(std::int64_t intersection, std::int64_t unionCount)
{
    if (intersection < 0 || unionCount < intersection)
        throw std::invalid_argument("ReferringMetrics::addCounts: need 0 <= intersection <= union, got "
            + std::to_string(intersection) + " and " + std::to_string(unionCount));
    const double iou = unionCount == 0 ? 0.0 : static_cast<double>(intersection) / static_cast<double>(unionCount);
    ++samples_;
    intersectionSum_ += intersection;
    unionSum_ += unionCount;
    iouSum_ += iou;
    for (std::size_t i = 0; i < referringPrecisionThresholds.size(); ++i) {
        if (iou >= referringPrecisionThresholds[i])
            ++hits_[i];
    }
}

ReferringScores ReferringMetrics::scores() const
{
    ReferringScores scores;
    scores.samples = samples_;
    if (samples_ == 0)
        return scores;
    const auto count = static_cast<double>(samples_);
    scores.mIoU = iouSum_ / count;
    scores.oIoU = unionSum_ == 0 ? 0.0 : static_cast<double>(intersectionSum_) / static_cast<double>(unionSum_);
    for (std::size_t i = 0; i < hits_.size(); ++i)
        scores.precisionAt[i] = static_cast<double>(hits_[i]) / count;
    return scores;
}

std::string ReferringMetrics::tableRow() const
{
    const ReferringScores s = scores();
    return fmt::format("{:.2f} | {:.2f} | {:.2f} | {:.2f} | {:.2f} | {:.2f} | {:.2f}", 100.0 * s.precisionAt[0],
        100.0 * s.precisionAt[1], 100.0 * s.precisionAt[2], 100.0 * s.precisionAt[3], 100.0 * s.precisionAt[4],
        100.0 * s.oIoU, 100.0 * s.mIoU);
}

std::string ReferringMetrics::tableHeader()
{
    return "Pr@0.5 | Pr@0.6 | Pr@0.7 | Pr@0.8 | Pr@0.9 | oIoU | mIoU";
}

} // namespace refermap::engine
