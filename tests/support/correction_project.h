#pragma once

#include "common/result.h"
#include "geo/editable_mask.h"
#include "project/project_store.h"

#include <cstdint>
#include <filesystem>
#include <string>

namespace refermap::testing {

// The query settings the desktop application stores with a mask layer made by a query with its
// default options (ui QuerySettings::toJson, the keys fine-tuning reads).
inline constexpr const char* defaultCorrectionSettingsJson
    = R"({"tile": 0, "overlap": -1, "threshold": 0.5, "bands": "", "stretch_low_percent": 2, "stretch_high_percent": 98})";

// A query's mask that the user corrected inside `region`.
struct CorrectedLayerSpec {
    std::filesystem::path rasterPath;
    std::string queryText;
    // The mask the query wrote (the layer's maskPath): 8-bit, 1 band, raster-sized, > 0 = foreground.
    std::filesystem::path queryMaskPath;
    // The mask as the user wants it, same size; only its pixels inside `region` are used.
    std::filesystem::path correctedMaskPath;
    geo::MaskPixelRect region; // raster pixels; must lie inside the raster and not be empty
    std::string settingsJson = defaultCorrectionSettingsJson;
};

// Stores the corrected layer exactly as the desktop application does after the user edited it: the
// raster record (reusing a stored one with the same path), a mask layer (edited, maskPath = the query
// mask, name = query text) and, for every geo::EditableMask::defaultTileSize tile meeting the region,
// an edited MaskTile of row-major 0/1 bytes (edge tiles cropped to the raster) holding the corrected
// mask inside the region and the query mask outside it. Returns the new layer's id. Errors name the
// file (unreadable masks, sizes that differ from the raster's) or the region (InvalidArgument); a
// failure leaves no new layer behind.
Result<std::int64_t> addCorrectedLayer(project::ProjectStore& store, const CorrectedLayerSpec& spec);

} // namespace refermap::testing
