#pragma once

#include "common/result.h"

#include <cstdint>
#include <deque>
#include <functional>
#include <vector>

namespace refermap::geo {

// A block of finished raster rows: probabilities in [0, 1] (row-major, rowCount x width) and
// validity (1 where at least one tile with a valid pixel covered it).
struct StitchedRows {
    int firstRow = 0;
    int rowCount = 0;
    int width = 0;
    std::vector<float> probabilities;
    std::vector<std::uint8_t> valid;
};

// Blends overlapping tile probabilities into a seamless raster, streaming: each tile is weighted by
// a cosine ramp across its overlap margins (1 in its core, smoothly falling towards its edges, never
// 0), and every pixel is sum(w * p) / sum(w) over the tiles covering it. Rows live in a strip buffer
// only until the caller says no later tile touches them (finishRowsBefore), then go to the sink and
// are freed: memory grows with tile size x raster width, never with raster height.
// One thread; tiles may come in any order within the unfinished rows.
class ProbabilityStitcher {
public:
    using RowSink = std::function<Result<void>(const StitchedRows&)>;

    // `overlap` (pixels) sets the ramp width; 0 gives flat weights.
    ProbabilityStitcher(int rasterWidth, int rasterHeight, int overlap, RowSink sink);

    // Adds a tile of tileHeight x tileWidth probabilities whose top-left pixel is (x, y) in the
    // raster; parts outside the raster are ignored. `valid` (same size, optional) marks pixels
    // with data; invalid pixels contribute nothing. Fails for a tile reaching into finished rows.
    Result<void> addTile(int x, int y, int tileWidth, int tileHeight, const float* probabilities,
                         const std::uint8_t* valid = nullptr);

    // Rows [0, row) are complete: blend, send to the sink, free.
    Result<void> finishRowsBefore(int row);
    // Sends every remaining row (rows no tile covered come out invalid with probability 0).
    Result<void> finish();

    int finishedRows() const { return firstBufferedRow_; }
    // Rows currently held (for memory checks): never more than the rows tiles have touched but
    // the caller has not finished.
    int bufferedRows() const { return static_cast<int>(weightedSums_.size()); }

private:
    float rampWeight(int offset, int extent) const;

    int width_;
    int height_;
    int overlap_;
    RowSink sink_;
    int firstBufferedRow_ = 0;
    std::deque<std::vector<float>> weightedSums_; // one row each, starting at firstBufferedRow_
    std::deque<std::vector<float>> weights_;
};

} // namespace refermap::geo
