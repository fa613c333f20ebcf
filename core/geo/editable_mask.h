#pragma once

#include "common/progress_feedback.h"
#include "common/result.h"
#include "geo/gdal_dataset.h"
#include "geo/mask_edit.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace refermap::geo {

// A point in raster pixel coordinates: pixel (i, j) covers [i, i+1) x [j, j+1), its centre is
// (i + 0.5, j + 0.5). x grows to the right (columns), y downwards (rows).
struct MaskPoint {
    double x = 0.0;
    double y = 0.0;
};

// A rectangle of pixels (integer, in raster pixels); used to bound fillHole.
struct MaskPixelRect {
    int x = 0;
    int y = 0;
    int width = 0;
    int height = 0;
};

// A display window in raster pixel coordinates (may be fractional and may extend past the raster).
struct MaskViewWindow {
    double x = 0.0;
    double y = 0.0;
    double width = 0.0;
    double height = 0.0;
};

// A binary mask that the user corrects (brush, eraser, polygon add/cut, fill hole) with undo/redo,
// as large as the raster (40k x 40k) without ever being held whole in memory.
//
// Values: 0 = background, 1 = foreground. A source mask is 8-bit single band; any value > 0 is
// foreground (so 0/1 masks from MaskWriter's Binary kind and 0/255 masks both open), and is
// normalised to 1 in memory. save() writes 0/1, the same as MaskWriter's binary masks, which
// vectorizeMaskToFile reads as a 0/1 mask (threshold 1).
//
// Tiles: the mask is cut into tileSize() x tileSize() tiles (edge tiles are cropped to the raster),
// tile (c, r) covering columns [c*T, min((c+1)*T, width)) and rows [r*T, ...). Tiles are read from
// the source file lazily, on first use, into a bounded LRU cache of clean tiles (setCacheCapacity);
// an edited tile is kept in memory until the object is destroyed (edits are relative to the source
// file, which is never modified; save() writes a new file). Memory therefore grows with the number
// of edited tiles (64 KiB each), not with the raster.
//
// Display (read()): when a window is sampled at about full resolution or finer, pixels come from the
// tiles. When zoomed out (more than 2 source pixels per output pixel), unedited pixels are read with
// GDAL's nearest-neighbour RasterIO from the source file, which uses the file's overviews when it has
// them (MaskWriter and save() write overviews), and only the edited tiles are sampled from memory;
// no source tile is loaded into the cache for a zoomed-out view.
//
// Not thread-safe: one owner thread (the GUI's), including for save().
class EditableMask {
public:
    static constexpr int defaultTileSize = 256;
    // Half-size of the square around the click that fillHole searches when no limit is given.
    static constexpr int defaultFillHoleRadius = 1024;

    // Opens an 8-bit single-band mask GeoTIFF (any GDAL raster works). Reads only the header. Errors
    // name the file: missing/unreadable/not a raster (see openRasterDataset), more than one band or
    // not Byte (InvalidData).
    static Result<EditableMask> open(const std::filesystem::path& maskPath, int tileSize = defaultTileSize);
    // An all-background mask of the given grid; `geoTransform`/`crsWkt` may be empty.
    static Result<EditableMask> blank(int width, int height, const std::optional<std::array<double, 6>>& geoTransform,
                                      const std::string& crsWkt, int tileSize = defaultTileSize);

    EditableMask(EditableMask&&) noexcept;
    EditableMask& operator=(EditableMask&&) noexcept;
    ~EditableMask();

    int width() const { return width_; }
    int height() const { return height_; }
    const std::optional<std::array<double, 6>>& geoTransform() const { return geoTransform_; }
    const std::string& crsWkt() const { return crsWkt_; }
    // The source file; empty for a blank mask.
    const std::filesystem::path& sourcePath() const { return sourcePath_; }

    int tileSize() const { return tileSize_; }
    int tileColumns() const { return tileColumns_; }
    int tileRows() const { return tileRows_; }
    // The pixel rectangle of tile (column, row), cropped to the raster.
    MaskPixelRect tileRect(int column, int row) const;

    // 0 or 1; 0 outside the raster. Errors only when the source cannot be read (names the file, tile).
    Result<std::uint8_t> value(int x, int y);

    // Samples `window` into `outWidth` x `outHeight` bytes (row-major, 0/1, 0 outside the raster) by
    // nearest neighbour: output pixel (i, j) shows the pixel containing
    // (window.x + (i + 0.5) * window.width / outWidth, window.y + (j + 0.5) * ...). See the class
    // comment for how zoomed-out windows avoid loading tiles (their unedited pixels then come from the
    // file's overviews and may differ slightly from a full-resolution sampling).
    Result<void> read(const MaskViewWindow& window, int outWidth, int outHeight, std::uint8_t* buffer);

    // Brush (foreground = true) or eraser (false) along the polyline `points` with round caps and
    // joins: sets every pixel whose centre lies within `radius` (pixels) of the polyline; one point is
    // a disc. Parts outside the raster are clipped. InvalidArgument when radius <= 0 or not finite.
    Result<MaskEdit> paintStroke(const std::vector<MaskPoint>& points, double radius, bool foreground);
    // Polygon add (foreground = true) or cut (false): sets every pixel whose centre is inside the
    // polygon by the even-odd rule (a centre on a left/top edge is inside, on a right/bottom edge
    // outside, so adjacent polygons share no pixel). Fewer than 3 points changes nothing.
    Result<MaskEdit> fillPolygon(const std::vector<MaskPoint>& points, bool foreground);
    // Fills the 4-connected background region containing (x, y) when it is a hole, i.e. enclosed by
    // foreground (the 8-connected foreground regions the vectoriser makes have 4-connected holes).
    // Bounded work: only pixels inside `limit` (clipped to the raster; default: the square of
    // 2 * defaultFillHoleRadius pixels centred on the click, the GUI passes the visible area) are
    // searched. Refused with InvalidArgument when the region reaches the raster's border (not a hole)
    // or the limit's edge (larger than the searched area). A click on foreground or outside the raster
    // changes nothing (empty record).
    Result<MaskEdit> fillHole(double x, double y, const std::optional<MaskPixelRect>& limit = std::nullopt);

    // Restore the bytes before / after `edit`, exactly. Meant for records of this mask in stack order
    // (as QUndoStack does); InvalidData for a record of another tile grid or a corrupt one, and then
    // nothing is changed.
    Result<void> undo(const MaskEdit& edit);
    Result<void> redo(const MaskEdit& edit);

    // Edited tiles, as (column, row) in row-major order; a tile whose first edit was undone is clean again.
    std::vector<std::pair<int, int>> editedTiles() const;
    bool isEdited() const { return editedCount_ > 0; }
    // A tile's current bytes (0/1, tileRect's width x height, row-major), from the edits or the source.
    Result<std::vector<std::uint8_t>> tile(int column, int row);
    // Replaces a tile's bytes (the project store restoring saved edits); values > 0 become 1. The tile
    // counts as edited. InvalidArgument for a tile outside the grid or bytes of the wrong size.
    Result<void> setTile(int column, int row, const std::vector<std::uint8_t>& pixels);

    // Writes the whole mask to `target` as a tiled (tileSize blocks), DEFLATE-compressed GeoTIFF with
    // the same grid and CRS, values 0/1, with nearest-neighbour overviews, through AtomicFile, tile by
    // tile (unedited tiles are read from the source and not cached). Cancel -> Cancelled, and a failure
    // or cancel leaves no file (an existing target stays as it was). `target` may be the source file.
    Result<void> save(const std::filesystem::path& target, ProgressFeedback& feedback);

    // Tiles read from the source file so far (cache misses, and save()'s reads): a test hook for the
    // lazy loading, and a number for logs.
    std::size_t tileLoads() const { return tileLoads_; }
    // How many clean tiles the cache keeps (at least 1; default 64 = 4 MiB for 256-pixel tiles).
    void setCacheCapacity(std::size_t tiles);

private:
    using TileBytes = std::vector<std::uint8_t>;
    struct CacheEntry {
        TileBytes bytes;
        std::list<std::size_t>::iterator position;
    };

    EditableMask(int width, int height, int tileSize, std::optional<std::array<double, 6>> geoTransform,
                 std::string crsWkt);

    std::size_t tileIndex(int column, int row) const
    {
        return static_cast<std::size_t>(row) * static_cast<std::size_t>(tileColumns_) + static_cast<std::size_t>(column);
    }
    // The tile's current bytes: edited, cached, or read from the source (then cached when `cache`;
    // otherwise the reference is valid until the next call). Throws refermap::Exception on read errors.
    const TileBytes& currentTile(int column, int row, bool cache = true);
    TileBytes readSourceTile(int column, int row);
    void storeEdited(int column, int row, TileBytes bytes);
    void dropEdited(int column, int row);
    // Applies `paint` to a copy of each tile meeting the pixel rectangle [x0, x1) x [y0, y1) and
    // records the tiles whose bytes changed. `paint(rect, bytes)` edits the bytes of tile `rect`.
    template <typename Paint>
    MaskEdit applyToTiles(int x0, int y0, int x1, int y1, Paint&& paint);
    Result<void> restore(const MaskEdit& edit, bool after);

    int width_ = 0;
    int height_ = 0;
    int tileSize_ = defaultTileSize;
    int tileColumns_ = 0;
    int tileRows_ = 0;
    std::optional<std::array<double, 6>> geoTransform_;
    std::string crsWkt_;
    std::filesystem::path sourcePath_;
    GdalDatasetPtr source_; // null for a blank mask

    std::vector<std::unique_ptr<TileBytes>> edited_; // one slot per tile, null when clean
    std::size_t editedCount_ = 0;
    std::unordered_map<std::size_t, CacheEntry> cache_; // clean tiles from the source
    std::list<std::size_t> lru_;                         // most recently used first
    std::size_t cacheCapacity_ = 64;
    std::size_t tileLoads_ = 0;
    TileBytes uncached_; // holds an uncached read for currentTile(..., false)
};

} // namespace refermap::geo
