#include "geo/gdal_dataset.h"

#include "geo/gdal_environment.h"
#include "geo/gdal_error_capture.h"

#include <gdal_priv.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace refermap::geo {

void GdalDatasetCloser::operator()(GDALDataset* dataset) const noexcept
{
    if (dataset)
        GDALClose(GDALDataset::ToHandle(dataset));
}

namespace {

bool isVirtualPath(const std::string& path)
{
    return path.rfind("/vsi", 0) == 0;
}

// Checks a local file before GDAL sees it, so the error says what is really wrong.
Result<void> checkLocalFile(const std::filesystem::path& path)
{
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(status))
        return Error(ErrorCode::NotFound, "the raster file does not exist").withFile(path.string());
    if (std::filesystem::is_directory(status))
        return Error(ErrorCode::InvalidData, "expected a raster file, got a folder").withFile(path.string());
    const int descriptor = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (descriptor < 0) {
        const int err = errno;
        return Error(err == EACCES ? ErrorCode::PermissionDenied : ErrorCode::Io, "cannot read the raster file")
            .withFile(path.string())
            .withDetail(std::strerror(err));
    }
    ::close(descriptor);
    return {};
}

} // namespace

Result<GdalDatasetPtr> openRasterDataset(const std::filesystem::path& path)
{
    ensureGdalInitialised();
    const std::string name = path.string();
    if (name.empty())
        return Error(ErrorCode::InvalidArgument, "no raster file given");
    if (!isVirtualPath(name)) {
        if (auto checked = checkLocalFile(path); !checked)
            return checked.error();
    }

    GdalErrorCapture errors;
    GdalDatasetPtr dataset(GDALDataset::Open(name.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR));
    if (dataset && dataset->GetRasterCount() > 0)
        return dataset;

    // Say whether it is a vector file, which users mistake for rasters (GeoJSON, CSV, Shapefile).
    GdalDatasetPtr vector(GDALDataset::Open(name.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    if (vector && vector->GetLayerCount() > 0) {
        return Error(ErrorCode::InvalidData, "the file holds vector data, not a raster")
            .withFile(name)
            .withDetail(std::string("opened by GDAL's ") + vector->GetDriver()->GetDescription()
                        + " driver with " + std::to_string(vector->GetLayerCount()) + " layer(s)");
    }
    if (dataset) {
        // Containers such as HDF or NetCDF list their rasters as subdatasets.
        char** subdatasets = dataset->GetMetadata("SUBDATASETS");
        if (subdatasets && *subdatasets)
            return Error(ErrorCode::InvalidData, "the file is a container of several rasters; open one of its subdatasets")
                .withFile(name)
                .withDetail(subdatasets[0]);
        return Error(ErrorCode::InvalidData, "the file has no raster bands").withFile(name);
    }
    std::string reason = errors.lastError();
    if (reason.empty())
        reason = "no GDAL driver recognises the format";
    return Error(ErrorCode::InvalidData, "not a raster GDAL can read").withFile(name).withDetail(reason);
}

} // namespace refermap::geo
