#include "geo/tile_grid.h"

#include <string>

namespace refermap::geo {

namespace {

// The tile starts along one axis; see the class comment for the rule.
std::vector<int> axisStarts(int length, int tileSize, int stride, int origin)
{
    std::vector<int> starts;
    if (length <= tileSize) {
        starts.push_back(0);
        return starts;
    }
    if (origin > 0)
        starts.push_back(0);
    for (long long start = origin; start + tileSize <= length; start += stride)
        starts.push_back(static_cast<int>(start));
    const int last = length - tileSize;
    if (starts.back() != last)
        starts.push_back(last);
    return starts;
}

} // namespace

Result<TileGrid> TileGrid::create(
    int rasterWidth, int rasterHeight, int tileSize, int overlap, int originX, int originY)
{
    if (rasterWidth <= 0 || rasterHeight <= 0)
        return Error(ErrorCode::InvalidArgument, "cannot tile an empty raster")
            .withDetail("size " + std::to_string(rasterWidth) + " x " + std::to_string(rasterHeight));
    if (tileSize < 16)
        return Error(ErrorCode::InvalidArgument, "the tile size must be at least 16 pixels")
            .withDetail("got " + std::to_string(tileSize));
    if (overlap < 0 || 2 * overlap >= tileSize)
        return Error(ErrorCode::InvalidArgument, "the tile overlap must be at least 0 and less than half the tile size")
            .withDetail("overlap " + std::to_string(overlap) + ", tile size " + std::to_string(tileSize));
    const int stride = tileSize - overlap;
    if (originX < 0 || originX >= stride || originY < 0 || originY >= stride)
        return Error(ErrorCode::InvalidArgument, "the tile grid origin must lie in [0, stride)")
            .withDetail("origin (" + std::to_string(originX) + ", " + std::to_string(originY) + "), stride "
                + std::to_string(stride));

    TileGrid grid;
    grid.rasterWidth_ = rasterWidth;
    grid.rasterHeight_ = rasterHeight;
    grid.tileSize_ = tileSize;
    grid.overlap_ = overlap;
    grid.columnStarts_ = axisStarts(rasterWidth, tileSize, stride, originX);
    grid.rowStarts_ = axisStarts(rasterHeight, tileSize, stride, originY);
    grid.tiles_.reserve(grid.columnStarts_.size() * grid.rowStarts_.size());
    for (int row = 0; row < grid.rows(); ++row) {
        for (int column = 0; column < grid.columns(); ++column) {
            grid.tiles_.push_back({column, row, grid.columnStarts_[static_cast<std::size_t>(column)],
                grid.rowStarts_[static_cast<std::size_t>(row)], tileSize, tileSize});
        }
    }
    return grid;
}

int TileGrid::firstRowBelow(int row) const
{
    if (row + 1 < rows())
        return rowStart(row + 1);
    return rasterHeight_;
}

int TileGrid::lastRowTouching(int y) const
{
    if (y < 0 || y >= rasterHeight_)
        return -1;
    for (int row = rows() - 1; row >= 0; --row) {
        if (rowStart(row) <= y)
            return row; // starts ascend and consecutive tiles overlap, so this tile covers y
    }
    return -1;
}

int TileGrid::firstRowTouching(int y) const
{
    if (y < 0 || y >= rasterHeight_)
        return -1;
    for (int row = 0; row < rows(); ++row) {
        if (rowStart(row) + tileSize_ > y)
            return row;
    }
    return -1;
}

} // namespace refermap::geo
