#pragma once

#include "common/progress_feedback.h"
#include "common/result.h"
#include "geo/mask_vectorizer.h"
#include "geo/vector_feature_source.h"

#include <filesystem>
#include <optional>
#include <string>

namespace refermap::geo {

struct ExportOptions {
    // OGR driver: "GPKG", "GeoJSON" or "ESRI Shapefile". Empty: from the extension (.gpkg, .geojson/.json,
    // .shp; case-insensitive); any other extension is an InvalidArgument error.
    std::string format;
    // Output CRS. Empty: the layer's CRS. GeoJSON is always EPSG:4326 lon/lat (RFC 7946); asking GeoJSON for
    // another code is an error.
    std::optional<int> epsg;
    std::string layerName; // empty: the output file's stem
};

// The OGR driver name for `path`'s extension, or InvalidArgument naming the file.
Result<std::string> vectorFormatForPath(const std::filesystem::path& path);

// Writes `layer` to `path` atomically: everything is written under temporary names in the destination
// folder and renamed into place only on success (for Shapefile .shp, .shx, .dbf, .prj and .cpg are renamed
// one after the other, the .shp last, and stale .qix/.sbn/.sbx indexes of an older output are removed).
// Failure or cancel removes every temporary file and leaves an existing output untouched.
// GeoPackage features are written inside transactions; GeoJSON follows RFC 7946 (EPSG:4326, lon/lat,
// RFC7946=YES, 7 decimals); Shapefile gets a .prj and a .cpg (UTF-8) and field names cut to 10
// characters: perimeter_m is written as perim_m (all other names already fit).
// Fields: query, score, area_m2, perimeter_m, model, source, run_id, edited (boolean).
// Any thread. Errors: unknown extension or impossible CRS (InvalidArgument), missing or read-only output
// folder (naming the folder), write failures (Io), Cancelled.
Result<void> exportLayer(const VectorLayer& layer, const std::filesystem::path& path, const ExportOptions& options,
    ProgressFeedback* feedback = nullptr);

// The same export for features streamed from `features` (read once, one at a time, so they never need
// to be in memory together); progress goes to `progress`, whose parent's cancel stops the export.
Result<void> exportFeatures(VectorFeatureSource& features, const std::filesystem::path& path,
    const ExportOptions& options, ProgressRange& progress);

// What can be checked before any feature exists, so a long job fails early on a bad request: the
// format, the output CRS for features in `crsWkt` (empty: none), and that the output folder exists and
// is writable (probed with a temporary file that is removed again). Same errors as exportLayer.
Result<void> checkExportTarget(
    const std::string& crsWkt, const std::filesystem::path& path, const ExportOptions& options);

// Takes back a layer that exportLayer()/exportFeatures() published at `path` (with a Shapefile's
// sidecars), when a job that made it fails afterwards and publishes all of its outputs or none.
void removeExportedLayer(const std::filesystem::path& path);

} // namespace refermap::geo
