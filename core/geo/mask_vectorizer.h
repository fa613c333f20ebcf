#pragma once

#include "common/progress_feedback.h"
#include "common/result.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace refermap::geo {

// How a mask or probability raster becomes polygons.
//
// Threshold rule (a pixel is foreground when value >= threshold; nodata and NaN are background):
//  - floating-point rasters hold probabilities 0..1: default threshold 0.5;
//  - integer rasters whose largest value is <= 1 are 0/1 masks: default threshold 1 (value > 0);
//  - other integer rasters hold probabilities over the type's range (Byte 0..255): default threshold is
//    half that range rounded up (Byte: >= 128, so 0/255 masks work too).
// `threshold` overrides the default, in raster values (e.g. 200 for a Byte probability raster).
struct VectorizeOptions {
    std::optional<double> threshold;
    double minAreaM2 = 0.0; // drop polygons smaller than this (m², measured on the ground)
    double simplifyTolerance = 0.0; // in CRS units (degrees for EPSG:4326); 0 = no simplification
    std::string query; // provenance attributes copied onto every feature
    std::string model;
    std::string source; // default: the raster's path
    std::string runId;
    bool edited = false;
};

// One polygon with the attributes ReferMap writes on every feature.
struct VectorFeature {
    std::vector<unsigned char> wkb; // ISO WKB (little endian), Polygon or MultiPolygon, in the layer's CRS
    std::string query;
    double score = 0.0; // mean probability (0..1) of the raster pixels inside the polygon; 1.0 for a mask
    double areaM2 = 0.0; // ground area in m² (see vectorizeMask for how it is measured)
    double perimeterM = 0.0; // length of all rings in metres
    std::string model;
    std::string source;
    std::string runId;
    bool edited = false;
};

// A vector layer as a plain value (no GDAL types): features plus the CRS they are in.
struct VectorLayer {
    std::string crsWkt; // WKT2 of the CRS; empty when the raster had none (coordinates are then pixels)
    std::vector<VectorFeature> features;
};

struct ExportOptions; // geo/vector_export.h

// Turns the single band of the raster at `path` into polygons, one per 8-connected foreground region,
// holes kept, streaming: memory does not grow with the raster's height (nor with its feature count for
// vectorizeMaskToFile). Steps: a thresholding band (Byte 0/1, computed block by block from the source
// on read, never stored whole) is both source and mask of GDALPolygonize with 8CONNECTED=8, which writes
// the regions into a temporary GeoPackage; a sweep over row chunks then scores each region (mean
// probability of its pixels: the polygons meeting a chunk, found through the layer's spatial index,
// are burnt into a label buffer next to the source values; exact because their edges lie on pixel
// edges); a last pass drops regions under `minAreaM2`, simplifies (SimplifyPreserveTopology, per
// polygon) and measures them. The temporary GeoPackage is removed whatever happens.
// Areas: in a geographic CRS each polygon is projected to a Lambert azimuthal equal-area CRS centred
// near it; in a projected CRS the CRS's linear unit is converted to metres; without a CRS units are
// taken as metres. Progress and cancel through `feedback` (may be null). Any thread; opens its own
// dataset. Errors name the file (and band): missing/unreadable/not a raster, more than one band,
// complex data, read failures; Cancelled when cancelled.
//
// vectorizeMask returns the features in memory (for small masks and the GUI); its temporary
// GeoPackage lives in the system temporary folder.
Result<VectorLayer> vectorizeMask(
    const std::filesystem::path& path, const VectorizeOptions& options, ProgressFeedback* feedback = nullptr);

// The same polygons written straight to `outputPath` (see exportLayer for formats, CRS, atomicity):
// features go from the temporary GeoPackage (created next to the output, hidden, removed afterwards)
// to the output one at a time, so a 40k x 40k mask never has its features in memory. The output
// request (format, CRS, writable folder) is checked before any pixel is read. A failure or cancel
// leaves no output and no temporary file (an existing output stays as it was). Returns the number of
// features written.
Result<std::size_t> vectorizeMaskToFile(const std::filesystem::path& maskPath, const std::filesystem::path& outputPath,
    const VectorizeOptions& options, const ExportOptions& exportOptions, ProgressFeedback* feedback = nullptr);

} // namespace refermap::geo
