#pragma once

#include "common/result.h"

#include <filesystem>
#include <memory>

class GDALDataset;

namespace refermap::geo {

struct GdalDatasetCloser {
    void operator()(GDALDataset* dataset) const noexcept;
};

// Owns an open GDAL dataset; closing flushes it. Use from one thread at a time (GDAL datasets are
// not thread-safe); open one per thread for parallel reads.
using GdalDatasetPtr = std::unique_ptr<GDALDataset, GdalDatasetCloser>;

// Opens `path` read-only as a raster. `path` may be a file or a GDAL virtual path (/vsizip/…,
// /vsicurl/…). The error names the file and says which of these it is: missing, a folder, not
// readable, a vector dataset without rasters, or not something GDAL can read (with GDAL's reason).
Result<GdalDatasetPtr> openRasterDataset(const std::filesystem::path& path);

} // namespace refermap::geo
