#include "geo/probability_stitcher.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace refermap::geo {

namespace {
constexpr int rowsPerBlock = 64; // finished pixels leave in blocks of at most this many rows
}

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

ProbabilityStitcher::Chunk& ProbabilityStitcher::chunkAt(int chunkRow, int chunkColumn)
{
    auto [position, inserted] = chunks_.try_emplace({chunkRow, chunkColumn});
    if (inserted)
        position->second.sums.assign(static_cast<std::size_t>(chunkSize) * chunkSize, 0.0f);
    return position->second;
}

void ProbabilityStitcher::tileWeights(const Chunk& chunk, int chunkRow, int chunkColumn, std::vector<float>& out) const
{
    out.assign(static_cast<std::size_t>(chunkSize) * chunkSize, 0.0f);
    std::vector<float> columnWeights;
    for (const TileRect& tile : chunk.tiles) {
        // The same pixels and the same products addTile accumulates, in the same order.
        const int rowFrom = std::max({tile.y, 0, chunkRow * chunkSize});
        const int rowTo = std::min({tile.y + tile.height, height_, (chunkRow + 1) * chunkSize});
        const int columnFrom = std::max({tile.x, 0, chunkColumn * chunkSize});
        const int columnTo = std::min({tile.x + tile.width, width_, (chunkColumn + 1) * chunkSize});
        if (rowFrom >= rowTo || columnFrom >= columnTo)
            continue;
        columnWeights.resize(static_cast<std::size_t>(columnTo - columnFrom));
        for (int column = columnFrom; column < columnTo; ++column)
            columnWeights[static_cast<std::size_t>(column - columnFrom)] = rampWeight(column - tile.x, tile.width);
        for (int row = rowFrom; row < rowTo; ++row) {
            const float rowWeight = rampWeight(row - tile.y, tile.height);
            const std::size_t chunkRowOffset = static_cast<std::size_t>(row - chunkRow * chunkSize) * chunkSize;
            for (int column = columnFrom; column < columnTo; ++column) {
                const float weight = rowWeight * columnWeights[static_cast<std::size_t>(column - columnFrom)];
                out[chunkRowOffset + static_cast<std::size_t>(column - chunkColumn * chunkSize)] += weight;
            }
        }
    }
}

bool ProbabilityStitcher::finished(int row, int column) const
{
    return row < finishedRows_ || (row < bandEnd_ && column < finishedColumns_);
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
    if (finished(top, left))
        return Error(ErrorCode::Internal, "a tile reaches into pixels that were already written")
            .withTile(x, y)
            .withDetail("rows before " + std::to_string(finishedRows_) + " and columns before "
                        + std::to_string(finishedColumns_) + " of rows before " + std::to_string(bandEnd_)
                        + " are finished");

    std::vector<float> columnWeights(static_cast<std::size_t>(right - left));
    for (int column = left; column < right; ++column)
        columnWeights[static_cast<std::size_t>(column - left)] = rampWeight(column - x, tileWidth);

    for (int chunkRow = top / chunkSize; chunkRow * chunkSize < bottom; ++chunkRow) {
        for (int chunkColumn = left / chunkSize; chunkColumn * chunkSize < right; ++chunkColumn) {
            Chunk& chunk = chunkAt(chunkRow, chunkColumn);
            const int rowFrom = std::max(top, chunkRow * chunkSize);
            const int rowTo = std::min(bottom, (chunkRow + 1) * chunkSize);
            const int columnFrom = std::max(left, chunkColumn * chunkSize);
            const int columnTo = std::min(right, (chunkColumn + 1) * chunkSize);
            bool allValid = true;
            for (int row = rowFrom; valid && allValid && row < rowTo; ++row) {
                const std::uint8_t* line = valid + static_cast<std::size_t>(row - y) * static_cast<std::size_t>(tileWidth);
                allValid = std::all_of(line + (columnFrom - x), line + (columnTo - x), [](std::uint8_t v) { return v != 0; });
            }
            const bool explicitWeights = !allValid || !chunk.weights.empty();
            if (!explicitWeights) {
                chunk.tiles.push_back({x, y, tileWidth, tileHeight});
            } else if (chunk.weights.empty()) {
                std::vector<float> weights;
                tileWeights(chunk, chunkRow, chunkColumn, weights);
                chunk.weights = std::move(weights);
                chunk.tiles = {};
            }
            for (int row = rowFrom; row < rowTo; ++row) {
                const float rowWeight = rampWeight(row - y, tileHeight);
                const std::size_t tileRow = static_cast<std::size_t>(row - y) * static_cast<std::size_t>(tileWidth);
                const std::size_t chunkRowOffset = static_cast<std::size_t>(row - chunkRow * chunkSize) * chunkSize;
                for (int column = columnFrom; column < columnTo; ++column) {
                    const std::size_t index = tileRow + static_cast<std::size_t>(column - x);
                    if (valid && !valid[index])
                        continue;
                    const float weight = rowWeight * columnWeights[static_cast<std::size_t>(column - left)];
                    const std::size_t cell = chunkRowOffset + static_cast<std::size_t>(column - chunkColumn * chunkSize);
                    chunk.sums[cell] += weight * probabilities[index];
                    if (explicitWeights)
                        chunk.weights[cell] += weight;
                }
            }
        }
    }
    return {};
}

Result<void> ProbabilityStitcher::sendFinished(int top, int bottom, int left, int right)
{
    std::vector<float> computedWeights;
    for (int blockTop = top; blockTop < bottom; blockTop += rowsPerBlock) {
        StitchedRows block;
        block.firstRow = blockTop;
        block.rowCount = std::min(rowsPerBlock, bottom - blockTop);
        block.firstColumn = left;
        block.width = right - left;
        const int blockBottom = blockTop + block.rowCount;
        const std::size_t pixels = static_cast<std::size_t>(block.rowCount) * static_cast<std::size_t>(block.width);
        block.probabilities.assign(pixels, 0.0f);
        block.valid.assign(pixels, 0);
        // Chunk by chunk, so weights recomputed from tiles are computed once per chunk and block.
        for (int chunkRow = blockTop / chunkSize; chunkRow * chunkSize < blockBottom; ++chunkRow) {
            const int rowFrom = std::max(blockTop, chunkRow * chunkSize);
            const int rowTo = std::min(blockBottom, (chunkRow + 1) * chunkSize);
            for (int chunkColumn = left / chunkSize; chunkColumn * chunkSize < right; ++chunkColumn) {
                const auto found = chunks_.find({chunkRow, chunkColumn});
                if (found == chunks_.end())
                    continue; // no tile touched these pixels: they stay invalid
                const Chunk& chunk = found->second;
                const float* weights = chunk.weights.data();
                if (chunk.weights.empty()) {
                    tileWeights(chunk, chunkRow, chunkColumn, computedWeights);
                    weights = computedWeights.data();
                }
                const int columnFrom = std::max(left, chunkColumn * chunkSize);
                const int columnTo = std::min(right, (chunkColumn + 1) * chunkSize);
                for (int row = rowFrom; row < rowTo; ++row) {
                    const std::size_t chunkRowOffset = static_cast<std::size_t>(row % chunkSize) * chunkSize;
                    const std::size_t out
                        = static_cast<std::size_t>(row - blockTop) * static_cast<std::size_t>(block.width);
                    for (int column = columnFrom; column < columnTo; ++column) {
                        const std::size_t cell
                            = chunkRowOffset + static_cast<std::size_t>(column - chunkColumn * chunkSize);
                        const float weight = weights[cell];
                        if (weight > 0.0f) {
                            block.probabilities[out + static_cast<std::size_t>(column - left)]
                                = std::clamp(chunk.sums[cell] / weight, 0.0f, 1.0f);
                            block.valid[out + static_cast<std::size_t>(column - left)] = 1;
                        }
                    }
                }
            }
        }
        if (auto sent = sink_(block); !sent)
            return sent;
    }
    return {};
}

void ProbabilityStitcher::release()
{
    for (auto position = chunks_.begin(); position != chunks_.end();) {
        const auto [chunkRow, chunkColumn] = position->first;
        const int lastRow = std::min((chunkRow + 1) * chunkSize, height_) - 1;
        const int lastColumn = std::min((chunkColumn + 1) * chunkSize, width_) - 1;
        if (finished(lastRow, lastColumn))
            position = chunks_.erase(position);
        else
            ++position;
    }
}

Result<void> ProbabilityStitcher::finishColumnsBefore(int rowEnd, int column)
{
    rowEnd = std::min(rowEnd, height_);
    column = std::min(column, width_);
    if (rowEnd <= finishedRows_)
        return {};
    if (bandEnd_ != rowEnd) {
        if (finishedColumns_ > 0)
            return Error(ErrorCode::Internal, "a band of rows changed before it was finished")
                .withDetail("band ends at " + std::to_string(bandEnd_) + ", now " + std::to_string(rowEnd));
        bandEnd_ = rowEnd;
        finishedColumns_ = 0;
    }
    if (column <= finishedColumns_)
        return {};
    if (auto sent = sendFinished(finishedRows_, bandEnd_, finishedColumns_, column); !sent)
        return sent;
    finishedColumns_ = column;
    release();
    return {};
}

Result<void> ProbabilityStitcher::finishRowsBefore(int row)
{
    row = std::min(row, height_);
    if (row <= finishedRows_)
        return {};
    if (finishedColumns_ > 0 && bandEnd_ > finishedRows_) {
        if (row < bandEnd_)
            return Error(ErrorCode::Internal, "rows finished inside a partly finished band")
                .withDetail("band ends at " + std::to_string(bandEnd_) + ", rows finished to " + std::to_string(row));
        if (auto sent = sendFinished(finishedRows_, bandEnd_, finishedColumns_, width_); !sent)
            return sent;
        finishedRows_ = bandEnd_;
    }
    if (row > finishedRows_) {
        if (auto sent = sendFinished(finishedRows_, row, 0, width_); !sent)
            return sent;
        finishedRows_ = row;
    }
    bandEnd_ = finishedRows_;
    finishedColumns_ = 0;
    release();
    return {};
}

Result<void> ProbabilityStitcher::finish()
{
    return finishRowsBefore(height_);
}

} // namespace refermap::geo
