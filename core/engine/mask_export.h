#pragma once

#include "common/progress_feedback.h"
#include "common/result.h"

#include <filesystem>
#include <optional>
#include <string>

namespace refermap::engine {

// The formats a mask can be exported to from the desktop application.
enum class MaskExportFormat {
    GeoPackage, // polygons, .gpkg
    GeoJson, // polygons, .geojson (always EPSG:4326, RFC 7946)
    Shapefile, // polygons, .shp (+ .shx, .dbf, .prj, .cpg)
    MaskGeoTiff, // a copy of the mask raster, .tif
};

// The file suffix (with the dot) each format writes, e.g. ".gpkg".
std::string suffixFor(MaskExportFormat format);

// One export as the user asked for it (the export dialog fills it; no Qt types).
struct ExportRequest {
    MaskExportFormat format = MaskExportFormat::GeoPackage;
    std::filesystem::path output;
    // Output CRS: empty = the mask raster's CRS; 4326 = WGS 84; any other EPSG code.
    std::optional<int> epsg;
    // Simplification tolerance in PIXELS of the mask (converted to the raster CRS's units with the pixel
    // width, so it means the same on a degree or a metre grid); 0 = none. Polygon formats only.
    double simplifyPixels = 0.0;
    double minAreaM2 = 0.0; // polygons smaller than this (ground area) are dropped. Polygon formats only.
    std::string query; // provenance copied onto every feature (may be empty)
    std::string model;
    std::string runId;
};

// Exports the mask raster at `maskPath` (a 0/1 or probability raster, one band) as `request` says:
// polygon formats through geo::vectorizeMaskToFile (which reprojects to the requested EPSG code);
// MaskGeoTiff as a compressed GeoTIFF copy (GDALTranslate), or warped with nearest-neighbour
// resampling (GDALWarp) when another CRS is requested. The output appears atomically or not at all
// (failure and cancel leave nothing, an existing output untouched). Returns the number of features
// written (polygon formats) or 0 (GeoTIFF). Errors: missing/unreadable mask, unknown EPSG code, GeoJSON
// with a CRS other than 4326, a suffix that does not fit the format, unwritable folder; Cancelled.
// Any thread; progress and cancel through `feedback`.
Result<std::size_t> runExport(
    const ExportRequest& request, const std::filesystem::path& maskPath, ProgressFeedback& feedback);

} // namespace refermap::engine
