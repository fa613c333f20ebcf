#pragma once

#include <string>

namespace refermap::geo {

// Registers GDAL's drivers once per process and applies ReferMap's GDAL configuration. Every geo
// entry point calls it; cheap after the first call; any thread.
void ensureGdalInitialised();

std::string gdalVersion(); // e.g. "GDAL 3.6.2, released 2023/01/02"
std::string projVersion(); // e.g. "9.1.1"

} // namespace refermap::geo
