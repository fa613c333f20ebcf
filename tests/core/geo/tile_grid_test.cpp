// TileGrid: every pixel covered, last tile flush with the edge, overlaps at least as asked, shifted
// origins, small rasters, and the row-strip finalisation helpers.
#include "geo/tile_grid.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <tuple>
#include <vector>

namespace refermap::geo {
namespace {

// Checks the documented invariants of `grid` along both axes and the coverage of every pixel.
void expectValidGrid(const TileGrid& grid)
{
    const int size = grid.tileSize();
    ASSERT_EQ(static_cast<int>(grid.tiles().size()), grid.rows() * grid.columns());
    // Row-major order, consistent with the starts.
    int index = 0;
    for (int row = 0; row < grid.rows(); ++row) {
        for (int column = 0; column < grid.columns(); ++column, ++index) {
            const Tile& tile = grid.tiles()[static_cast<std::size_t>(index)];
            EXPECT_EQ(tile.row, row);
            EXPECT_EQ(tile.column, column);
            EXPECT_EQ(tile.x, grid.columnStart(column));
            EXPECT_EQ(tile.y, grid.rowStart(row));
            EXPECT_EQ(tile.width, size);
            EXPECT_EQ(tile.height, size);
            EXPECT_EQ(grid.tile(column, row), tile);
        }
    }
    auto checkAxis = [&](int length, int count, auto start) {
        ASSERT_GE(count, 1);
        EXPECT_EQ(start(0), 0) << "the first tile starts at the edge";
        if (length >= size) {
            EXPECT_EQ(start(count - 1) + size, length) << "the last tile ends at the edge";
        } else {
            EXPECT_EQ(count, 1) << "a raster smaller than a tile gets one tile";
        }
        for (int i = 0; i + 1 < count; ++i) {
            EXPECT_GT(start(i + 1), start(i));
            EXPECT_LE(start(i + 1) - start(i), grid.stride()) << "neighbours overlap by at least the overlap";
        }
        for (int i = 0; i < count; ++i) {
            EXPECT_GE(start(i), 0);
            if (length >= size) {
                EXPECT_LE(start(i) + size, length) << "no tile past the edge of a raster at least one tile large";
            }
        }
    };
    checkAxis(grid.rasterWidth(), grid.columns(), [&](int i) { return grid.columnStart(i); });
    checkAxis(grid.rasterHeight(), grid.rows(), [&](int i) { return grid.rowStart(i); });

    // Coverage of every pixel, counted on a coverage image.
    std::vector<int> covered(static_cast<std::size_t>(grid.rasterWidth()) * grid.rasterHeight(), 0);
    for (const Tile& tile : grid.tiles()) {
        for (int y = tile.y; y < std::min(tile.y + tile.height, grid.rasterHeight()); ++y) {
            for (int x = tile.x; x < std::min(tile.x + tile.width, grid.rasterWidth()); ++x)
                ++covered[static_cast<std::size_t>(y) * grid.rasterWidth() + x];
        }
    }
    EXPECT_EQ(std::count(covered.begin(), covered.end(), 0), 0) << "every pixel is in a tile";
}

TEST(TileGridTest, RejectsBadParameters)
{
    EXPECT_FALSE(TileGrid::create(100, 100, 15, 0));
    EXPECT_FALSE(TileGrid::create(100, 100, 64, -1));
    EXPECT_FALSE(TileGrid::create(100, 100, 64, 32));
    EXPECT_TRUE(TileGrid::create(100, 100, 64, 31));
    EXPECT_FALSE(TileGrid::create(0, 100, 64, 8));
    EXPECT_FALSE(TileGrid::create(100, -1, 64, 8));
    EXPECT_FALSE(TileGrid::create(100, 100, 64, 8, 56, 0)) << "origin must be below the stride";
    EXPECT_FALSE(TileGrid::create(100, 100, 64, 8, 0, -1));
    auto bad = TileGrid::create(100, 100, 64, 40);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code(), ErrorCode::InvalidArgument);
    EXPECT_NE(bad.error().message().find("overlap"), std::string::npos) << bad.error().message();
}

TEST(TileGridTest, ExactMultipleWithoutOverlap)
{
    auto grid = TileGrid::create(256, 128, 64, 0);
    ASSERT_TRUE(grid);
    EXPECT_EQ(grid->columns(), 4);
    EXPECT_EQ(grid->rows(), 2);
    EXPECT_EQ(grid->columnStart(3), 192);
    expectValidGrid(*grid);
}

TEST(TileGridTest, LastColumnAndRowAreFlushWithTheEdge)
{
    auto grid = TileGrid::create(1000, 700, 256, 32);
    ASSERT_TRUE(grid);
    // Stride 224: lattice 0, 224, 448, 672 (672 + 256 = 928 < 1000), then 744 flush with the edge.
    const std::vector<int> columns {0, 224, 448, 672, 744};
    ASSERT_EQ(grid->columns(), 5);
    for (int i = 0; i < 5; ++i)
        EXPECT_EQ(grid->columnStart(i), columns[static_cast<std::size_t>(i)]);
    // Rows: 0, 224, 448 (448 + 256 = 704 > 700) → 0, 224, 444.
    ASSERT_EQ(grid->rows(), 3);
    EXPECT_EQ(grid->rowStart(2), 444);
    expectValidGrid(*grid);
}

TEST(TileGridTest, ShiftedOriginMovesTheLattice)
{
    auto grid = TileGrid::create(1000, 1000, 256, 32, 100, 7);
    ASSERT_TRUE(grid);
    // Columns: clamped 0, then 100, 324, 548 (548 + 256 = 804), 772? 772 + 256 = 1028 > 1000 → 744.
    const std::vector<int> columns {0, 100, 324, 548, 744};
    ASSERT_EQ(grid->columns(), static_cast<int>(columns.size()));
    for (int i = 0; i < grid->columns(); ++i)
        EXPECT_EQ(grid->columnStart(i), columns[static_cast<std::size_t>(i)]);
    EXPECT_EQ(grid->rowStart(1), 7);
    EXPECT_EQ(grid->rowStart(2), 231);
    expectValidGrid(*grid);
}

TEST(TileGridTest, ManySizesAndOriginsAreValid)
{
    for (int width : {16, 17, 63, 64, 65, 100, 255, 256, 257, 511, 1000, 1023}) {
        for (int tile : {16, 64, 256}) {
            for (int overlap : {0, 1, tile / 4, tile / 2 - 1}) {
                const int stride = tile - overlap;
                for (int origin : {0, 1, stride / 2, stride - 1}) {
                    SCOPED_TRACE(testing::Message()
                        << "width " << width << " tile " << tile << " overlap " << overlap << " origin " << origin);
                    auto grid = TileGrid::create(width, width / 2 + 1, tile, overlap, origin, stride - 1 - origin);
                    ASSERT_TRUE(grid) << grid.error().message();
                    expectValidGrid(*grid);
                }
            }
        }
    }
}

TEST(TileGridTest, SmallRasterGetsOnePaddedTile)
{
    auto grid = TileGrid::create(40, 300, 64, 8, 20, 20);
    ASSERT_TRUE(grid);
    EXPECT_EQ(grid->columns(), 1);
    EXPECT_EQ(grid->tiles().front().x, 0);
    EXPECT_EQ(grid->tiles().front().width, 64) << "extends past the right edge; the reader pads it";
    EXPECT_GT(grid->rows(), 1);
    expectValidGrid(*grid);

    auto tiny = TileGrid::create(1, 1, 16, 0);
    ASSERT_TRUE(tiny);
    ASSERT_EQ(tiny->tiles().size(), 1u);
    EXPECT_EQ(tiny->tiles()[0], (Tile {0, 0, 0, 0, 16, 16}));
}

TEST(TileGridTest, Deterministic)
{
    auto first = TileGrid::create(3001, 2049, 512, 64, 13, 200);
    auto second = TileGrid::create(3001, 2049, 512, 64, 13, 200);
    ASSERT_TRUE(first && second);
    EXPECT_EQ(first->tiles(), second->tiles());
}

TEST(TileGridTest, RowStripFinalisation)
{
    for (int origin : {0, 5, 100}) {
        auto grid = TileGrid::create(500, 1000, 256, 32, 0, origin);
        ASSERT_TRUE(grid);
        const int rows = grid->rows();
        // firstRowBelow: the next row's start, or the raster height after the last row.
        for (int row = 0; row < rows; ++row) {
            const int below = grid->firstRowBelow(row);
            EXPECT_EQ(below, row + 1 < rows ? grid->rowStart(row + 1) : grid->rasterHeight());
            // No later tile row touches a raster row above `below` …
            for (int later = row + 1; later < rows; ++later)
                EXPECT_GE(grid->rowStart(later), below);
            // … and every raster row below it that is already touched is touched again later.
            EXPECT_LE(below, grid->rowStart(row) + grid->tileSize());
        }
        EXPECT_EQ(grid->firstRowBelow(rows - 1), 1000);
        // lastRowTouching / firstRowTouching against a brute-force scan.
        for (int y = 0; y < grid->rasterHeight(); ++y) {
            int first = -1;
            int last = -1;
            for (int row = 0; row < rows; ++row) {
                if (grid->rowStart(row) <= y && y < grid->rowStart(row) + grid->tileSize()) {
                    if (first < 0)
                        first = row;
                    last = row;
                }
            }
            ASSERT_EQ(grid->lastRowTouching(y), last) << "y " << y;
            ASSERT_EQ(grid->firstRowTouching(y), first) << "y " << y;
            // y is final exactly after its last touching row.
            EXPECT_LT(y, grid->firstRowBelow(last));
            if (last > 0) {
                EXPECT_GE(y, grid->firstRowBelow(last - 1));
            }
        }
        EXPECT_EQ(grid->lastRowTouching(-1), -1);
        EXPECT_EQ(grid->lastRowTouching(1000), -1);
    }
}

} // namespace
} // namespace refermap::geo
