#pragma once

#include "common/result.h"

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace refermap::geo {

struct OverviewSize {
    int width = 0;
    int height = 0;
};

struct BandInfo {
    int index = 0;                      // 1-based, as GDAL and users count
    std::string dataType;               // GDAL's name: "Byte", "UInt16", "Int16", "Float32", …
    std::string colorInterpretation;    // "Red", "Green", "Blue", "Alpha", "Gray", "Undefined", …
    std::string description;
    std::optional<double> nodata;
    std::vector<std::string> maskFlags; // any of ALL_VALID, PER_DATASET, ALPHA, NODATA
    std::vector<OverviewSize> overviews;
    int blockWidth = 0;
    int blockHeight = 0;
};

struct CrsInfo {
    std::optional<int> epsg; // when the CRS matches an EPSG code
    std::string name;        // e.g. "WGS 84 / UTM zone 18N"
    std::string wkt;         // WKT2 (2019)
    bool geographic = false; // degrees rather than metres/feet
    std::string linearUnit;  // "metre", "degree", "US survey foot", …
};

// Everything `refermap-cli info` reports about a raster. A plain value; no GDAL types leak out.
struct RasterInfo {
    std::string path;
    std::string driver;     // short name, e.g. "GTiff"
    std::string driverLong; // e.g. "GeoTIFF"
    int width = 0;
    int height = 0;
    std::vector<BandInfo> bands;
    std::optional<CrsInfo> crs;                      // empty: no CRS (pixel coordinates only)
    std::optional<std::array<double, 6>> geoTransform; // GDAL order; empty: not georeferenced
    std::string compression;                          // from IMAGE_STRUCTURE, empty when none
    std::string interleave;
    std::string layout; // "COG" for cloud-optimised GeoTIFFs that declare it
    std::vector<std::string> datasetMaskFlags;       // band 1's flags, what most readers see

    bool georeferenced() const { return geoTransform.has_value(); }
    double pixelWidth() const { return geoTransform ? (*geoTransform)[1] : 1.0; }
    double pixelHeight() const { return geoTransform ? (*geoTransform)[5] : 1.0; }
};

// Reads the header facts of a raster (no pixels). Errors name the file; see openRasterDataset().
Result<RasterInfo> readRasterInfo(const std::filesystem::path& path);

// Human-readable report, several aligned lines, no trailing newline.
std::string formatRasterInfoText(const RasterInfo& info);

// Machine-readable report (stable keys, documented in docs/cli.md), pretty-printed JSON.
std::string formatRasterInfoJson(const RasterInfo& info);

} // namespace refermap::geo
