#include "engine/dataset_image_reader.h"

#include "geo/gdal_dataset.h"
#include "geo/gdal_error_capture.h"

#include <gdal_priv.h>

#include <limits>

namespace refermap::engine {

namespace {

// Refuses rasters whose pixel count would not fit our buffers (a corrupt header, or not a dataset image).
Result<void> checkSize(GDALDataset& dataset, const std::filesystem::path& path)
{
    const std::int64_t pixels
        = static_cast<std::int64_t>(dataset.GetRasterXSize()) * static_cast<std::int64_t>(dataset.GetRasterYSize());
    if (pixels <= 0 || pixels > (std::int64_t {1} << 28))
        return Error(ErrorCode::Unsupported, "the image is too large for a referring dataset (at most 2^28 pixels)")
            .withFile(path.string())
            .withDetail(std::to_string(dataset.GetRasterXSize()) + "×" + std::to_string(dataset.GetRasterYSize()));
    return {};
}

} // namespace

Result<RgbImage> readRgbImage(const std::filesystem::path& path)
{
    auto opened = geo::openRasterDataset(path);
    if (!opened)
        return opened.error();
    GDALDataset& dataset = **opened;
    if (auto size = checkSize(dataset, path); !size)
        return size.error();
    const int bandCount = dataset.GetRasterCount();
    const int channels = bandCount >= 3 ? 3 : 1;
    for (int band = 1; band <= channels; ++band) {
        const GDALDataType type = dataset.GetRasterBand(band)->GetRasterDataType();
        if (type != GDT_Byte)
            return Error(ErrorCode::Unsupported, "only 8-bit (Byte) images are supported in referring datasets")
                .withFile(path.string())
                .withBand(band)
                .withDetail(std::string("the band is ") + GDALGetDataTypeName(type));
    }

    RgbImage image;
    image.width = dataset.GetRasterXSize();
    image.height = dataset.GetRasterYSize();
    image.pixels.resize(static_cast<std::size_t>(image.width) * static_cast<std::size_t>(image.height) * 3);
    geo::GdalErrorCapture errors;
    for (int channel = 0; channel < 3; ++channel) {
        const int band = channels == 3 ? channel + 1 : 1;
        // Pixel spacing 3 writes the band straight into its place in the interleaved buffer.
        if (dataset.GetRasterBand(band)->RasterIO(GF_Read, 0, 0, image.width, image.height,
                image.pixels.data() + channel, image.width, image.height, GDT_Byte, 3,
                static_cast<GSpacing>(image.width) * 3, nullptr)
            != CE_None)
            return Error(ErrorCode::Io, "cannot read the image")
                .withFile(path.string())
                .withBand(band)
                .withDetail(errors.lastError());
    }
    return image;
}

Result<BinaryMask> readThresholdedMask(const std::filesystem::path& path, double threshold)
{
    auto opened = geo::openRasterDataset(path);
    if (!opened)
        return opened.error();
    GDALDataset& dataset = **opened;
    if (auto size = checkSize(dataset, path); !size)
        return size.error();
    GDALRasterBand* band = dataset.GetRasterBand(1);
    if (GDALDataTypeIsComplex(band->GetRasterDataType()))
        return Error(ErrorCode::Unsupported, "a mask cannot have a complex data type")
            .withFile(path.string())
            .withBand(1)
            .withDetail(GDALGetDataTypeName(band->GetRasterDataType()));

    BinaryMask mask;
    mask.width = dataset.GetRasterXSize();
    mask.height = dataset.GetRasterYSize();
    mask.pixels.resize(static_cast<std::size_t>(mask.width) * static_cast<std::size_t>(mask.height));
    // Row by row in float64, so every data type compares exactly and memory stays at one row.
    std::vector<double> row(static_cast<std::size_t>(mask.width));
    geo::GdalErrorCapture errors;
    for (int y = 0; y < mask.height; ++y) {
        if (band->RasterIO(GF_Read, 0, y, mask.width, 1, row.data(), mask.width, 1, GDT_Float64, 0, 0, nullptr)
            != CE_None)
            return Error(ErrorCode::Io, "cannot read the mask")
                .withFile(path.string())
                .withBand(1)
                .withDetail(errors.lastError());
        std::uint8_t* out = mask.pixels.data() + static_cast<std::size_t>(y) * static_cast<std::size_t>(mask.width);
        for (int x = 0; x < mask.width; ++x)
            out[x] = row[static_cast<std::size_t>(x)] > threshold ? 1 : 0;
    }
    return mask;
}

Result<RasterSize> readRasterSize(const std::filesystem::path& path)
{
    auto opened = geo::openRasterDataset(path);
    if (!opened)
        return opened.error();
    return RasterSize {(*opened)->GetRasterXSize(), (*opened)->GetRasterYSize()};
}

} // namespace refermap::engine
