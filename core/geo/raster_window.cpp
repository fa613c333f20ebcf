#include "geo/raster_window.h"

#include "geo/gdal_dataset.h"
#include "geo/gdal_error_capture.h"

#include <gdal_priv.h>
#include <gdal_utils.h>
#include <gdal_vrt.h>

#include <algorithm>
#include <array>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

namespace refermap::geo {

PixelRect clipToRaster(const PixelRect& window, int width, int height)
{
    const int x0 = std::clamp(window.x, 0, width), y0 = std::clamp(window.y, 0, height);
    const int x1 = std::clamp(window.x + std::max(window.width, 0), 0, width);
    const int y1 = std::clamp(window.y + std::max(window.height, 0), 0, height);
    return {x0, y0, x1 - x0, y1 - y0};
}

namespace {

Error vrtError(const std::filesystem::path& vrt, const std::string& what, const std::string& detail)
{
    return Error(ErrorCode::Io, what).withFile(vrt.string()).withDetail(detail);
}

void removeQuietly(const std::filesystem::path& path)
{
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
}

} // namespace

Result<void> writeWindowVrt(const std::filesystem::path& raster, const PixelRect& window,
                            const std::filesystem::path& vrt)
{
    auto dataset = openRasterDataset(raster);
    if (!dataset)
        return dataset.error();
    const int width = (*dataset)->GetRasterXSize(), height = (*dataset)->GetRasterYSize();
    const PixelRect inside = clipToRaster(window, width, height);
    if (inside.width != window.width || inside.height != window.height || window.width <= 0 || window.height <= 0)
        return Error(ErrorCode::InvalidArgument, "the window does not lie inside the raster")
            .withFile(raster.string())
            .withDetail(std::to_string(window.width) + "x" + std::to_string(window.height) + " at ("
                        + std::to_string(window.x) + ", " + std::to_string(window.y) + ") in a "
                        + std::to_string(width) + "x" + std::to_string(height) + " raster");
    std::vector<std::string> values{"-of", "VRT", "-srcwin", std::to_string(window.x), std::to_string(window.y),
                                    std::to_string(window.width), std::to_string(window.height)};
    std::vector<char*> argv;
    for (std::string& value : values)
        argv.push_back(value.data());
    argv.push_back(nullptr);
    std::unique_ptr<GDALTranslateOptions, decltype(&GDALTranslateOptionsFree)> options(
        GDALTranslateOptionsNew(argv.data(), nullptr), &GDALTranslateOptionsFree);
    GdalErrorCapture errors;
    int failed = 0;
    GDALDatasetH written = GDALTranslate(vrt.string().c_str(), GDALDataset::ToHandle(dataset->get()), options.get(),
                                         &failed);
    if (!written || failed) {
        if (written)
            GDALClose(written);
        removeQuietly(vrt);
        return vrtError(vrt, "cannot write the window of the raster", errors.lastError());
    }
    GDALClose(written); // writes the VRT
    if (!errors.lastError().empty()) {
        removeQuietly(vrt);
        return vrtError(vrt, "cannot write the window of the raster", errors.lastError());
    }
    return {};
}

Result<void> writePlacedVrt(const std::filesystem::path& source, int x, int y, const std::filesystem::path& grid,
                            const std::filesystem::path& vrt)
{
    auto gridDataset = openRasterDataset(grid);
    if (!gridDataset)
        return gridDataset.error();
    auto sourceDataset = openRasterDataset(source);
    if (!sourceDataset)
        return sourceDataset.error();
    GDALRasterBand* sourceBand = (*sourceDataset)->GetRasterBand(1);
    if (sourceBand->GetRasterDataType() != GDT_Byte)
        return Error(ErrorCode::InvalidData, "the mask is not 8-bit").withFile(source.string()).withBand(1);
    const int width = (*gridDataset)->GetRasterXSize(), height = (*gridDataset)->GetRasterYSize();
    const PixelRect placed{x, y, (*sourceDataset)->GetRasterXSize(), (*sourceDataset)->GetRasterYSize()};
    const PixelRect inside = clipToRaster(placed, width, height);
    if (inside.width != placed.width || inside.height != placed.height)
        return Error(ErrorCode::InvalidArgument, "the mask does not fit inside the raster at its offset")
            .withFile(source.string());

    GdalErrorCapture errors;
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("VRT");
    if (!driver)
        return vrtError(vrt, "GDAL's VRT driver is missing", errors.lastError());
    GdalDatasetPtr out(driver->Create(vrt.string().c_str(), width, height, 0, GDT_Byte, nullptr));
    if (!out)
        return vrtError(vrt, "cannot create the mask layer", errors.lastError());
    std::array<double, 6> geoTransform{};
    if ((*gridDataset)->GetGeoTransform(geoTransform.data()) == CE_None)
        out->SetGeoTransform(geoTransform.data());
    if (const OGRSpatialReference* crs = (*gridDataset)->GetSpatialRef())
        out->SetSpatialRef(crs);
    out->AddBand(GDT_Byte, nullptr);
    auto band = static_cast<VRTSourcedRasterBandH>(GDALRasterBand::ToHandle(out->GetRasterBand(1)));
    const std::string absolute = std::filesystem::absolute(source).string();
    GdalDatasetPtr reopened(GDALDataset::Open(absolute.c_str(), GDAL_OF_RASTER | GDAL_OF_SHARED));
    if (!reopened)
        return vrtError(vrt, "cannot reopen the mask", errors.lastError());
    VRTAddSimpleSource(band, GDALRasterBand::ToHandle(reopened->GetRasterBand(1)), 0, 0, placed.width, placed.height,
                       placed.x, placed.y, placed.width, placed.height, "near", VRT_NODATA_UNSET);
    out->GetRasterBand(1)->SetColorInterpretation(GCI_GrayIndex);
    out.reset(); // writes the VRT
    if (!errors.lastError().empty()) {
        removeQuietly(vrt);
        return vrtError(vrt, "cannot write the mask layer", errors.lastError());
    }
    return {};
}

} // namespace refermap::geo
