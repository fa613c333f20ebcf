#include "geo/probability_stitcher.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace refermap::geo {

ProbabilityStitcher::ProbabilityStitcher(int rasterWidth, int rasterHeight, int overlap, RowSink sink)
    : width_(rasterWidth)
    , height_(rasterHeight)
    , overlap_(std::max(0, overlap))
    , sink_(std::move(sink))
{
}

float ProbabilityStitcher::rampWeight(int offset, int extent) const
{
    // Distance to the nearer tile edge, in pixels (pixel centres), ramped over the overlap.
    const int distance = std::min(offset, extent - 1 - offset);
    if (overlap_ == 0 || distance >= overlap_)
        return 1.0f;
    const double t = (distance + 0.5) / overlap_;
    return static_cast<float>(0.5 - 0.5 * std::cos(M_PI * t));
}

Result<void> ProbabilityStitcher::addTile(int x, int y, int tileWidth, int tileHeight, const float* probabilities,
                                          const std::uint8_t* valid)
{
    const int top = std::max(y, 0);
    const int bottom = std::min(y + tileHeight, height_);
    const int left = std::max(x, 0);
    const int right = std::min(x + tileWidth, width_);
    if (top >= bottom || left >= right)
        return {};
    if (top < firstBufferedRow_)
        return Error(ErrorCode::Internal, "a tile reaches into rows that were already written")
            .withTile(x, y)
            .withDetail("rows before " + std::to_string(firstBufferedRow_) + " are finished");

    while (firstBufferedRow_ + static_cast<int>(weightedSums_.size()) < bottom) {
        weightedSums_.emplace_back(static_cast<std::size_t>(width_), 0.0f);
        weights_.emplace_back(static_cast<std::size_t>(width_), 0.0f);
    }
    std::vector<float> columnWeights(static_cast<std::size_t>(right - left));
    for (int column = left; column < right; ++column)
        columnWeights[static_cast<std::size_t>(column - left)] = rampWeight(column - x, tileWidth);

    for (int row = top; row < bottom; ++row) {
        const float rowWeight = rampWeight(row - y, tileHeight);
        auto& sums = weightedSums_[static_cast<std::size_t>(row - firstBufferedRow_)];
        auto& weights = weights_[static_cast<std::size_t>(row - firstBufferedRow_)];
        const std::size_t tileRow = static_cast<std::size_t>(row - y) * static_cast<std::size_t>(tileWidth);
        for (int column = left; column < right; ++column) {
            const std::size_t index = tileRow + static_cast<std::size_t>(column - x);
            if (valid && !valid[index])
                continue;
            const float weight = rowWeight * columnWeights[static_cast<std::size_t>(column - left)];
            sums[static_cast<std::size_t>(column)] += weight * probabilities[index];
            weights[static_cast<std::size_t>(column)] += weight;
        }
    }
    return {};
}

Result<void> ProbabilityStitcher::finishRowsBefore(int row)
{
    row = std::min(row, height_);
    if (row <= firstBufferedRow_)
        return {};
    StitchedRows rows;
    rows.firstRow = firstBufferedRow_;
    rows.rowCount = row - firstBufferedRow_;
    rows.width = width_;
    const std::size_t pixels = static_cast<std::size_t>(rows.rowCount) * static_cast<std::size_t>(width_);
    rows.probabilities.assign(pixels, 0.0f);
    rows.valid.assign(pixels, 0);
    for (int r = 0; r < rows.rowCount; ++r) {
        if (weightedSums_.empty())
            break; // rows no tile touched stay invalid
        const auto& sums = weightedSums_.front();
        const auto& weights = weights_.front();
        const std::size_t offset = static_cast<std::size_t>(r) * static_cast<std::size_t>(width_);
        for (int column = 0; column < width_; ++column) {
            const float weight = weights[static_cast<std::size_t>(column)];
            if (weight > 0.0f) {
                rows.probabilities[offset + static_cast<std::size_t>(column)]
                    = std::clamp(sums[static_cast<std::size_t>(column)] / weight, 0.0f, 1.0f);
                rows.valid[offset + static_cast<std::size_t>(column)] = 1;
            }
        }
        weightedSums_.pop_front();
        weights_.pop_front();
    }
    firstBufferedRow_ = row;
    return sink_(rows);
}

Result<void> ProbabilityStitcher::finish()
{
    return finishRowsBefore(height_);
}

} // namespace refermap::geo
