#pragma once

#include "common/result.h"
#include "engine/referring_dataset.h"

#include <filesystem>

namespace refermap::engine {

// Raster reading shared by the referring-dataset loaders, through GDAL (TIFF, JPEG, PNG, …). Each
// call opens its own GDAL handle, so any thread may call concurrently.

// Reads an 8-bit image as interleaved RGB: 1 or 2 bands → band 1 as grey, replicated to R, G, B
// (a second band is taken for alpha and ignored); 3 or more → bands 1, 2, 3. Every band read must
// be Byte: other data types are an Unsupported error naming the file and band (a stretch would
// change the pixels the published models were trained on, so we do not guess one).
Result<RgbImage> readRgbImage(const std::filesystem::path& path);

// Reads band 1 (any real data type) and marks pixels whose value is greater than `threshold` as 1.
Result<BinaryMask> readThresholdedMask(const std::filesystem::path& path, double threshold);

struct RasterSize {
    int width = 0;
    int height = 0;
};

// The raster's size, from its header only.
Result<RasterSize> readRasterSize(const std::filesystem::path& path);

} // namespace refermap::engine
