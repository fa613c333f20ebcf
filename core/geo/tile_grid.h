#pragma once

#include "common/result.h"

#include <vector>

namespace refermap::geo {

// One tile of a TileGrid, in raster pixel coordinates. `x`, `y` are never negative; a tile is
// always tileSize × tileSize and extends past the right/bottom edge only when the raster is smaller
// than one tile along that axis (the reader pads it).
struct Tile {
    int column = 0; // index in the grid, 0-based
    int row = 0;
    int x = 0; // first pixel column of the tile
    int y = 0; // first pixel row of the tile
    int width = 0;
    int height = 0;

    bool operator==(const Tile& other) const
    {
        return column == other.column && row == other.row && x == other.x && y == other.y && width == other.width
            && height == other.height;
    }
};

// The overlapping tiles that cover a raster, computed once; a plain value, any thread.
//
// Along each axis (length L, tile size T, stride S = T − overlap, origin o in [0, S)), the tile
// starts are, in ascending order:
//   - when L ≤ T: the single start 0 (one tile covering the whole axis, padded by the reader);
//   - otherwise: 0 when o > 0 (a first tile clamped to the edge, so tiles never start before 0),
//     the lattice points o + k·S (k ≥ 0) for which the tile fits (o + k·S + T ≤ L), and L − T when
//     the last lattice tile does not reach the edge (the last tile ends exactly at the edge).
// Consecutive starts are never more than S apart, so neighbouring tiles overlap by at least
// `overlap` pixels and every pixel is covered. Shifting the origin moves the whole lattice, which
// tests use to check that results do not depend on where the tiles fall.
// Tiles are listed row-major: row 0 left to right, then row 1, …
class TileGrid {
public:
    // Errors (InvalidArgument): raster size ≤ 0, tileSize < 16, overlap < 0 or overlap ≥ tileSize/2
    // (2·overlap ≥ tileSize), origin outside [0, stride).
    static Result<TileGrid> create(
        int rasterWidth, int rasterHeight, int tileSize, int overlap, int originX = 0, int originY = 0);

    int rasterWidth() const { return rasterWidth_; }
    int rasterHeight() const { return rasterHeight_; }
    int tileSize() const { return tileSize_; }
    int overlap() const { return overlap_; }
    int stride() const { return tileSize_ - overlap_; }

    int columns() const { return static_cast<int>(columnStarts_.size()); }
    int rows() const { return static_cast<int>(rowStarts_.size()); }
    int tileCount() const { return columns() * rows(); }
    const std::vector<Tile>& tiles() const { return tiles_; }
    const Tile& tile(int column, int row) const
    {
        return tiles_.at(static_cast<std::size_t>(row * columns() + column));
    }

    // First pixel column / row of grid column / row `index` (0 ≤ index < columns() / rows()).
    int columnStart(int column) const { return columnStarts_.at(static_cast<std::size_t>(column)); }
    int rowStart(int row) const { return rowStarts_.at(static_cast<std::size_t>(row)); }

    // For a row-strip stitcher that processes tile rows in order. After tile row `row` is done,
    // raster rows [0, firstRowBelow(row)) are final: no later tile row touches them.
    // firstRowBelow(row) = rowStart(row + 1), or rasterHeight() for the last tile row.
    int firstRowBelow(int row) const;
    // The last tile row whose tiles cover raster row `y` (0 ≤ y < rasterHeight()): raster row y is
    // final once that tile row is done. firstRowTouching(y) is the first such tile row. Both return
    // -1 for y outside the raster.
    int lastRowTouching(int y) const;
    int firstRowTouching(int y) const;

private:
    TileGrid() = default;

    int rasterWidth_ = 0;
    int rasterHeight_ = 0;
    int tileSize_ = 0;
    int overlap_ = 0;
    std::vector<int> columnStarts_;
    std::vector<int> rowStarts_;
    std::vector<Tile> tiles_;
};

} // namespace refermap::geo
