#include "geo/probability_stitcher.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace refermap::geo {
namespace {

// A smooth deterministic per-pixel "probability".
float field(int x, int y)
{
    return 0.5f + 0.5f * std::sin(0.013f * static_cast<float>(x)) * std::cos(0.021f * static_cast<float>(y));
}

struct Stitched {
    std::vector<float> probabilities;
    std::vector<std::uint8_t> valid;
    std::size_t maxBufferedPixels = 0;
    int maxBlockRows = 0;
};

// Runs the stitcher over a simple tile grid (origin shifted by `offset`, last row/column aligned
// to the edge) and collects the output. `byColumns`: finish columns after every tile too.
Stitched stitch(int width, int height, int tile, int overlap, int offset, bool byColumns = true,
                float (*value)(int, int) = field)
{
    Stitched out;
    out.probabilities.assign(static_cast<std::size_t>(width) * static_cast<std::size_t>(height), -1.0f);
    out.valid.assign(out.probabilities.size(), 0);
    ProbabilityStitcher stitcher(width, height, overlap, [&](const StitchedRows& rows) -> Result<void> {
        out.maxBlockRows = std::max(out.maxBlockRows, rows.rowCount);
        for (int r = 0; r < rows.rowCount; ++r)
            for (int c = 0; c < rows.width; ++c) {
                const std::size_t from = static_cast<std::size_t>(r) * rows.width + c;
                const std::size_t to = static_cast<std::size_t>(rows.firstRow + r) * width + rows.firstColumn + c;
                EXPECT_EQ(out.probabilities[to], -1.0f) << "pixel written twice";
                out.probabilities[to] = rows.probabilities[from];
                out.valid[to] = rows.valid[from];
            }
        return {};
    });
    const int stride = tile - overlap;
    auto starts = [&](int extent) {
        std::vector<int> positions;
        for (int p = offset > 0 ? offset - stride : 0; p + tile < extent; p += stride)
            positions.push_back(std::max(p, 0));
        positions.push_back(std::max(extent - tile, 0));
        positions.erase(std::unique(positions.begin(), positions.end()), positions.end());
        return positions;
    };
    const auto rows = starts(height);
    const auto columns = starts(width);
    std::vector<float> buffer(static_cast<std::size_t>(tile) * tile);
    // As the pipeline does: the last two tile rows together, column by column.
    for (std::size_t first = 0; first < rows.size();) {
        const std::size_t last = first + 2 == rows.size() ? first + 1 : first;
        const int finalRow = last + 1 < rows.size() ? rows[last + 1] : height;
        for (std::size_t c = 0; c < columns.size(); ++c) {
            const int x = columns[c];
            for (std::size_t r = first; r <= last; ++r) {
                for (int ty = 0; ty < tile; ++ty)
                    for (int tx = 0; tx < tile; ++tx)
                        buffer[static_cast<std::size_t>(ty) * tile + tx] = value(x + tx, rows[r] + ty);
                EXPECT_TRUE(stitcher.addTile(x, rows[r], tile, tile, buffer.data()));
                out.maxBufferedPixels = std::max(out.maxBufferedPixels, stitcher.bufferedPixels());
            }
            if (byColumns) {
                EXPECT_TRUE(stitcher.finishColumnsBefore(finalRow, c + 1 < columns.size() ? columns[c + 1] : width));
            }
        }
        EXPECT_TRUE(stitcher.finishRowsBefore(finalRow));
        first = last + 1;
    }
    EXPECT_TRUE(stitcher.finish());
    return out;
}

TEST(ProbabilityStitcherTest, PerPixelFunctionComesBackExactlyEverywhere)
{
    const int width = 301;
    const int height = 257;
    const auto out = stitch(width, height, 64, 16, 0);
    const auto byRows = stitch(width, height, 64, 16, 0, false);
    EXPECT_EQ(out.probabilities, byRows.probabilities);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) {
            const std::size_t i = static_cast<std::size_t>(y) * width + x;
            ASSERT_EQ(out.valid[i], 1) << x << "," << y;
            ASSERT_NEAR(out.probabilities[i], field(x, y), 1e-6) << x << "," << y;
        }
}

TEST(ProbabilityStitcherTest, MovingTheGridChangesNothing)
{
    const int width = 350;
    const int height = 290;
    const auto reference = stitch(width, height, 64, 16, 0);
    for (auto [tile, overlap, offset] : {std::tuple{96, 32, 0}, std::tuple{64, 8, 23}, std::tuple{128, 40, 50}}) {
        const auto moved = stitch(width, height, tile, overlap, offset);
        float worst = 0;
        for (std::size_t i = 0; i < reference.probabilities.size(); ++i)
            worst = std::max(worst, std::abs(moved.probabilities[i] - reference.probabilities[i]));
        EXPECT_LT(worst, 1.0f / 255.0f) << tile << "/" << overlap << "/" << offset;
    }
}

TEST(ProbabilityStitcherTest, MemoryHoldsAStripNotTheRaster)
{
    // Finishing rows only: one row of tiles (plus chunk rounding) across the raster's width.
    const int chunk = ProbabilityStitcher::chunkSize;
    const auto byRows = stitch(3000, 1200, 256, 32, 0, false);
    EXPECT_LE(byRows.maxBufferedPixels, static_cast<std::size_t>(256 + 2 * chunk) * (3000 + chunk));
    // Finishing columns too: the overlap band across the width plus about one tile.
    const auto byColumns = stitch(3000, 1200, 256, 32, 0, true);
    EXPECT_LE(byColumns.maxBufferedPixels,
              static_cast<std::size_t>(32 + 2 * chunk) * (3000 + chunk) + static_cast<std::size_t>(256 + 2 * chunk) * (256 + 2 * chunk));
    EXPECT_LT(byColumns.maxBufferedPixels * 2, byRows.maxBufferedPixels);
    EXPECT_LE(byColumns.maxBlockRows, 64) << "finished pixels leave in small blocks";
    EXPECT_EQ(byColumns.probabilities, byRows.probabilities);
}

TEST(ProbabilityStitcherTest, OverlapsBlendSmoothlyWithoutASeam)
{
    // Left tile says 0, right tile says 1: across the 32-pixel overlap the result rises smoothly.
    ProbabilityStitcher stitcher(96, 1, 32, [&](const StitchedRows& rows) -> Result<void> {
        for (int x = 1; x < 96; ++x) {
            const float step = rows.probabilities[static_cast<std::size_t>(x)] - rows.probabilities[static_cast<std::size_t>(x - 1)];
            EXPECT_GE(step, -1e-6f) << x;
            EXPECT_LE(step, 0.1f) << "jump at " << x;
        }
        EXPECT_FLOAT_EQ(rows.probabilities[0], 0.0f);
        EXPECT_FLOAT_EQ(rows.probabilities[95], 1.0f);
        return {};
    });
    std::vector<float> zeros(64, 0.0f);
    std::vector<float> ones(64, 1.0f);
    ASSERT_TRUE(stitcher.addTile(0, 0, 64, 1, zeros.data()));
    ASSERT_TRUE(stitcher.addTile(32, 0, 64, 1, ones.data()));
    ASSERT_TRUE(stitcher.finish());
}

TEST(ProbabilityStitcherTest, InvalidPixelsAndUncoveredRowsStayInvalid)
{
    std::vector<StitchedRows> received;
    ProbabilityStitcher stitcher(4, 6, 0, [&](const StitchedRows& rows) -> Result<void> {
        received.push_back(rows);
        return {};
    });
    const std::vector<float> p(8, 0.75f);
    const std::vector<std::uint8_t> valid{1, 1, 0, 1, 1, 1, 1, 0};
    ASSERT_TRUE(stitcher.addTile(0, 0, 4, 2, p.data(), valid.data()));
    ASSERT_TRUE(stitcher.finish());
    ASSERT_EQ(received.size(), 1u);
    const auto& rows = received.front();
    EXPECT_EQ(rows.rowCount, 6);
    EXPECT_EQ(rows.width, 4);
    EXPECT_EQ(rows.valid[2], 0);
    EXPECT_EQ(rows.valid[7], 0);
    EXPECT_FLOAT_EQ(rows.probabilities[0], 0.75f);
    for (std::size_t i = 8; i < 24; ++i)
        EXPECT_EQ(rows.valid[i], 0) << "rows 2-5 were never covered";
}

TEST(ProbabilityStitcherTest, TileIntoFinishedPixelsIsAnError)
{
    ProbabilityStitcher stitcher(10, 10, 0, [](const StitchedRows&) -> Result<void> { return {}; });
    const std::vector<float> p(100, 0.5f);
    ASSERT_TRUE(stitcher.addTile(0, 0, 10, 5, p.data()));
    ASSERT_TRUE(stitcher.finishRowsBefore(5));
    auto late = stitcher.addTile(0, 4, 10, 2, p.data());
    ASSERT_FALSE(late);
    EXPECT_EQ(late.error().code(), ErrorCode::Internal);

    ASSERT_TRUE(stitcher.addTile(0, 5, 4, 4, p.data()));
    ASSERT_TRUE(stitcher.finishColumnsBefore(8, 3));
    EXPECT_FALSE(stitcher.addTile(2, 6, 2, 2, p.data())) << "columns 0-2 of rows 5-7 are finished";
    EXPECT_TRUE(stitcher.addTile(3, 6, 2, 2, p.data()));
    EXPECT_FALSE(stitcher.finishRowsBefore(6)) << "cannot finish inside a partly finished band";
}

TEST(ProbabilityStitcherTest, SinkErrorsStopTheRun)
{
    ProbabilityStitcher stitcher(4, 4, 0, [](const StitchedRows&) -> Result<void> {
        return Error(ErrorCode::Io, "disk full");
    });
    const std::vector<float> p(16, 0.5f);
    ASSERT_TRUE(stitcher.addTile(0, 0, 4, 4, p.data()));
    auto finished = stitcher.finish();
    ASSERT_FALSE(finished);
    EXPECT_EQ(finished.error().message(), "disk full");
}

} // namespace
} // namespace refermap::geo
