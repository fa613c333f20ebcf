#include "support/correction_project.h"

#include "geo/gdal_dataset.h"

#include <gdal_priv.h>

#include <algorithm>
#include <system_error>
#include <utility>
#include <vector>

namespace refermap::testing {

namespace {

namespace fs = std::filesystem;

// The comparison form of a raster path: the store gives back absolute paths.
fs::path comparable(const fs::path& path)
{
    std::error_code ec;
    fs::path absolute = fs::weakly_canonical(fs::absolute(path), ec);
    return ec ? path.lexically_normal() : absolute;
}

Result<std::int64_t> rasterIdFor(project::ProjectStore& store, const fs::path& rasterPath)
{
    auto stored = store.rasters();
    if (!stored)
        return stored.error();
    const fs::path wanted = comparable(rasterPath);
    for (const project::RasterRecord& raster : *stored) {
        if (comparable(raster.path) == wanted)
            return raster.id;
    }
    project::RasterRecord record;
    record.path = fs::absolute(rasterPath);
    record.displayName = rasterPath.filename().string();
    // What the application writes for a raster shown with its default bands and stretch.
    record.settingsJson = R"({"bands":[],"stretch_low_percent":2,"stretch_high_percent":98})";
    return store.addRaster(record);
}

Result<geo::EditableMask> openMask(const fs::path& path, int width, int height)
{
    auto mask = geo::EditableMask::open(path, geo::EditableMask::defaultTileSize);
    if (!mask)
        return mask.error();
    if (mask->width() != width || mask->height() != height)
        return Error(ErrorCode::InvalidArgument, "the mask is not the size of the raster")
            .withFile(path.string())
            .withDetail(std::to_string(mask->width()) + " x " + std::to_string(mask->height()) + ", the raster is "
                + std::to_string(width) + " x " + std::to_string(height));
    return mask;
}

// The stored tiles: corrected pixels inside the region, the query's outside it.
Result<std::vector<project::MaskTile>> correctedTiles(
    geo::EditableMask& query, geo::EditableMask& corrected, const geo::MaskPixelRect& region)
{
    const int size = query.tileSize();
    const int regionRight = region.x + region.width;
    const int regionBottom = region.y + region.height;
    std::vector<project::MaskTile> tiles;
    for (int row = region.y / size; row <= (regionBottom - 1) / size; ++row) {
        for (int column = region.x / size; column <= (regionRight - 1) / size; ++column) {
            auto bytes = query.tile(column, row);
            if (!bytes)
                return bytes.error();
            auto fixed = corrected.tile(column, row);
            if (!fixed)
                return fixed.error();
            const geo::MaskPixelRect rect = query.tileRect(column, row);
            const int x0 = std::max(region.x, rect.x) - rect.x;
            const int x1 = std::min(regionRight, rect.x + rect.width) - rect.x;
            const int y0 = std::max(region.y, rect.y) - rect.y;
            const int y1 = std::min(regionBottom, rect.y + rect.height) - rect.y;
            for (int y = y0; y < y1; ++y) {
                const std::size_t start = static_cast<std::size_t>(y) * static_cast<std::size_t>(rect.width);
                std::copy(fixed->begin() + static_cast<std::ptrdiff_t>(start + x0),
                    fixed->begin() + static_cast<std::ptrdiff_t>(start + x1),
                    bytes->begin() + static_cast<std::ptrdiff_t>(start + x0));
            }
            tiles.push_back({{column, row, size}, true, std::move(*bytes)});
        }
    }
    return tiles;
}

} // namespace

Result<std::int64_t> addCorrectedLayer(project::ProjectStore& store, const CorrectedLayerSpec& spec)
{
    auto raster = geo::openRasterDataset(spec.rasterPath);
    if (!raster)
        return raster.error();
    const int width = (*raster)->GetRasterXSize();
    const int height = (*raster)->GetRasterYSize();
    const geo::MaskPixelRect& region = spec.region;
    if (region.width <= 0 || region.height <= 0 || region.x < 0 || region.y < 0 || region.x + region.width > width
        || region.y + region.height > height)
        return Error(ErrorCode::InvalidArgument, "the corrected region must be a non-empty rectangle inside the raster")
            .withFile(spec.rasterPath.string())
            .withDetail("x " + std::to_string(region.x) + ", y " + std::to_string(region.y) + ", "
                + std::to_string(region.width) + " x " + std::to_string(region.height) + " in a " + std::to_string(width)
                + " x " + std::to_string(height) + " raster");
    auto query = openMask(spec.queryMaskPath, width, height);
    if (!query)
        return query.error();
    auto corrected = openMask(spec.correctedMaskPath, width, height);
    if (!corrected)
        return corrected.error();
    auto tiles = correctedTiles(*query, *corrected, region);
    if (!tiles)
        return tiles.error();

    auto rasterId = rasterIdFor(store, spec.rasterPath);
    if (!rasterId)
        return rasterId.error();
    project::MaskLayerRecord layer;
    layer.rasterId = *rasterId;
    layer.name = spec.queryText;
    layer.queryText = spec.queryText;
    layer.settingsJson = spec.settingsJson;
    layer.edited = true;
    layer.maskPath = fs::absolute(spec.queryMaskPath);
    auto layerId = store.addMaskLayer(layer);
    if (!layerId)
        return layerId.error();
    if (auto saved = store.saveMaskTiles(*layerId, *tiles); !saved) {
        // No half-made layer: the tiles are one transaction, the layer record is removed again.
        (void)store.removeMaskLayer(*layerId);
        return saved.error();
    }
    return layerId;
}

} // namespace refermap::testing
