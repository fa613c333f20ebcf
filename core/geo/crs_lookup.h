#pragma once

#include "common/result.h"

#include <filesystem>
#include <string>

namespace refermap::geo {

// What a user needs to know about a CRS picked by code, e.g. in the export dialog.
struct CrsDescription {
    int epsg = 0;
    std::string name; // e.g. "WGS 84 / UTM zone 11N"
    std::string wkt; // WKT2
    bool geographic = false; // degrees (simplification tolerances are then in degrees)
};

// Looks `epsg` up in PROJ's database through OGRSpatialReference. InvalidArgument naming the code
// when it is not positive or unknown to PROJ. Any thread.
Result<CrsDescription> lookupEpsg(int epsg);

// The CRS of the raster at `path` (empty name and WKT when it has none). NotFound / InvalidData
// naming the file when it cannot be opened as a raster. Any thread.
Result<CrsDescription> rasterCrs(const std::filesystem::path& path);

} // namespace refermap::geo
