#pragma once

#include "common/result.h"

#include <cstdint>
#include <functional>
#include <map>
#include <utility>
#include <vector>

namespace refermap::geo {

// A finished rectangle of the raster: probabilities in [0, 1] (row-major, rowCount x width) and
// validity (1 where at least one tile with a valid pixel covered it).
struct StitchedRows {
    int firstRow = 0;
    int rowCount = 0;
    int firstColumn = 0;
    int width = 0; // columns in this block
    std::vector<float> probabilities;
    std::vector<std::uint8_t> valid;
};

// Blends overlapping tile probabilities into a seamless raster, streaming: each tile is weighted by
// a cosine ramp across its overlap margins (1 in its core, smoothly falling towards its edges, never
// 0), and every pixel is sum(w * p) / sum(w) over the tiles covering it. Accumulators live in
// small square chunks that are freed as soon as the caller says no later tile touches them: after
// a tile, the columns left of the next tile in the current band of rows (finishColumnsBefore);
// after a row of tiles, the rows above the next row of tiles (finishRowsBefore). Memory then
// grows with the overlap band x raster width plus one tile, not with the raster. A chunk stores
// only its weighted sums (4 bytes a pixel) while every tile that reached it was valid there: its
// weights are then a function of those tiles' rectangles, recomputed (bit for bit, same order of
// additions) when the chunk is blended; a tile with invalid pixels in the chunk makes it keep explicit
// weights from then on.
// One thread; tiles may come in any order within the unfinished region.
class ProbabilityStitcher {
public:
    using RowSink = std::function<Result<void>(const StitchedRows&)>;

    // `overlap` (pixels) sets the ramp width; 0 gives flat weights.
    ProbabilityStitcher(int rasterWidth, int rasterHeight, int overlap, RowSink sink);

    // Adds a tile of tileHeight x tileWidth probabilities whose top-left pixel is (x, y) in the
    // raster; parts outside the raster are ignored. `valid` (same size, optional) marks pixels
    // with data; invalid pixels contribute nothing. Fails for a tile reaching into finished pixels.
    Result<void> addTile(int x, int y, int tileWidth, int tileHeight, const float* probabilities,
                         const std::uint8_t* valid = nullptr);

    // In the band of rows [finishedRows(), rowEnd), the columns [0, column) are complete: blend,
    // send to the sink, free. Calls for one band must use the same rowEnd and growing columns.
    Result<void> finishColumnsBefore(int rowEnd, int column);
    // Rows [0, row) are complete: blend what is left of them, send in blocks of at most 64 rows.
    Result<void> finishRowsBefore(int row);
    // Sends every remaining pixel (pixels no tile covered come out invalid with probability 0).
    Result<void> finish();

    int finishedRows() const { return finishedRows_; }
    // Accumulator pixels currently held, for memory checks.
    std::size_t bufferedPixels() const { return chunks_.size() * chunkSize * chunkSize; }

    static constexpr int chunkSize = 32;

private:
    struct TileRect {
        int x;
        int y;
        int width;
        int height;
    };
    struct Chunk {
        std::vector<float> sums;
        std::vector<float> weights; // empty while the weights follow from `tiles`
        std::vector<TileRect> tiles; // tiles added while `weights` is empty, in order
    };

    float rampWeight(int offset, int extent) const;
    // The chunk's weights from its tiles, in `out` (chunkSize² values).
    void tileWeights(const Chunk& chunk, int chunkRow, int chunkColumn, std::vector<float>& out) const;
    Chunk& chunkAt(int chunkRow, int chunkColumn);
    // Blends rows [top, bottom) x columns [left, right) (all final) and sends them.
    Result<void> sendFinished(int top, int bottom, int left, int right);
    // Frees chunks whose every pixel is finished.
    void release();
    bool finished(int row, int column) const;

    int width_;
    int height_;
    int overlap_;
    RowSink sink_;
    int finishedRows_ = 0;    // rows above are done
    int bandEnd_ = 0;         // the band [finishedRows_, bandEnd_) is done left of finishedColumns_
    int finishedColumns_ = 0;
    std::map<std::pair<int, int>, Chunk> chunks_; // (chunk row, chunk column)
};

} // namespace refermap::geo
