#include "geo/mask_overview_builder.h"

#include "geo/gdal_error_capture.h"

#include <gdal_priv.h>

#include <algorithm>
#include <cstdint>
#include <string>

namespace refermap::geo {

namespace {

Error overviewError(GDALDataset& dataset, const std::string& what, const std::string& detail)
{
    return Error(ErrorCode::Io, what).withFile(dataset.GetDescription()).withDetail(detail);
}

// One level of the pyramid: its values and its validity (the per-dataset mask).
struct Level {
    GDALRasterBand* values = nullptr;
    GDALRasterBand* validity = nullptr;
};

// Reduces a source window (sourceWidth x sourceHeight) to its target (width x height) block.
void reduce(const std::vector<std::uint8_t>& values, const std::vector<std::uint8_t>& validity, int sourceWidth,
            int sourceHeight, int width, int height, OverviewResampling resampling, std::vector<std::uint8_t>& outValues,
            std::vector<std::uint8_t>& outValidity)
{
    for (int y = 0; y < height; ++y) {
        const int y0 = 2 * y;
        const int y1 = std::min(y0 + 2, sourceHeight);
        for (int x = 0; x < width; ++x) {
            const int x0 = 2 * x;
            const std::size_t out = static_cast<std::size_t>(y) * width + x;
            if (resampling == OverviewResampling::Nearest) {
                const std::size_t in = static_cast<std::size_t>(y0) * sourceWidth + x0;
                outValidity[out] = validity[in] ? 255 : 0;
                outValues[out] = values[in];
                continue;
            }
            const int x1 = std::min(x0 + 2, sourceWidth);
            unsigned sum = 0;
            unsigned count = 0;
            for (int sy = y0; sy < y1; ++sy)
                for (int sx = x0; sx < x1; ++sx) {
                    const std::size_t in = static_cast<std::size_t>(sy) * sourceWidth + sx;
                    if (validity[in]) {
                        sum += values[in];
                        ++count;
                    }
                }
            // Round half up in integers, as GDAL's Byte AVERAGE does (floor(mean + 0.5)).
            outValues[out] = count ? static_cast<std::uint8_t>((2 * sum + count) / (2 * count)) : 0;
            outValidity[out] = count ? 255 : 0;
        }
    }
}

} // namespace

std::vector<int> MaskOverviewBuilder::factorsFor(int width, int height, int blockSize)
{
    std::vector<int> factors;
    int factor = 1;
    int w = width;
    int h = height;
    while (w > blockSize || h > blockSize) {
        factor *= 2;
        factors.push_back(factor);
        w = (width + factor - 1) / factor;
        h = (height + factor - 1) / factor;
    }
    return factors;
}

Result<void> MaskOverviewBuilder::build(GDALDataset& dataset, OverviewResampling resampling, int blockSize,
                                        ProgressRange& progress, double progressBegin, double progressEnd)
{
    GDALRasterBand* band = dataset.GetRasterBand(1);
    if (dataset.GetRasterCount() != 1 || band->GetRasterDataType() != GDT_Byte
        || band->GetMaskFlags() != GMF_PER_DATASET)
        return Error(ErrorCode::Internal, "overviews are built for single-band Byte rasters with a dataset mask")
            .withFile(dataset.GetDescription());
    if (band->GetOverviewCount() != 0)
        return Error(ErrorCode::Internal, "the raster already has overviews").withFile(dataset.GetDescription());
    std::vector<int> factors = factorsFor(dataset.GetRasterXSize(), dataset.GetRasterYSize(), blockSize);
    if (factors.empty())
        return {};

    GdalErrorCapture errors;
    // "NONE" only creates the levels (the mask's too, internal like the mask itself); we fill them.
    CPLSetThreadLocalConfigOption("GDAL_TIFF_INTERNAL_MASK", "YES");
    const CPLErr created = dataset.BuildOverviews("NONE", static_cast<int>(factors.size()), factors.data(), 0,
                                                  nullptr, nullptr, nullptr, nullptr);
    CPLSetThreadLocalConfigOption("GDAL_TIFF_INTERNAL_MASK", nullptr);
    if (created != CE_None || band->GetOverviewCount() != static_cast<int>(factors.size())
        || band->GetMaskBand()->GetOverviewCount() != static_cast<int>(factors.size()))
        return overviewError(dataset, "cannot create the mask's overviews", errors.lastError());

    std::vector<Level> levels{{band, band->GetMaskBand()}};
    double totalBlocks = 0;
    for (int i = 0; i < band->GetOverviewCount(); ++i) {
        GDALRasterBand* overview = band->GetOverview(i);
        levels.push_back({overview, band->GetMaskBand()->GetOverview(i)});
        totalBlocks += static_cast<double>((overview->GetXSize() + blockSize - 1) / blockSize)
            * ((overview->GetYSize() + blockSize - 1) / blockSize);
    }

    const std::size_t sourcePixels = static_cast<std::size_t>(2 * blockSize) * (2 * blockSize);
    std::vector<std::uint8_t> values(sourcePixels), validity(sourcePixels);
    const std::size_t targetPixels = static_cast<std::size_t>(blockSize) * blockSize;
    std::vector<std::uint8_t> outValues(targetPixels), outValidity(targetPixels);
    double doneBlocks = 0;
    for (std::size_t level = 1; level < levels.size(); ++level) {
        const Level& below = levels[level - 1];
        const Level& target = levels[level];
        const int belowWidth = below.values->GetXSize();
        const int belowHeight = below.values->GetYSize();
        const int targetWidth = target.values->GetXSize();
        const int targetHeight = target.values->GetYSize();
        // Block rows in order: the 2x2 source blocks of one target block are read once and, as GDAL's
        // block cache is bounded, memory stays a few blocks whatever the width.
        for (int by = 0; by < targetHeight; by += blockSize) {
            for (int bx = 0; bx < targetWidth; bx += blockSize) {
                if (progress.isCancelled())
                    return Error(ErrorCode::Cancelled, "overview building cancelled").withFile(dataset.GetDescription());
                const int width = std::min(blockSize, targetWidth - bx);
                const int height = std::min(blockSize, targetHeight - by);
                const int sourceWidth = std::min(2 * width, belowWidth - 2 * bx);
                const int sourceHeight = std::min(2 * height, belowHeight - 2 * by);
                if (below.values->RasterIO(GF_Read, 2 * bx, 2 * by, sourceWidth, sourceHeight, values.data(),
                                           sourceWidth, sourceHeight, GDT_Byte, 0, 0, nullptr)
                        != CE_None
                    || below.validity->RasterIO(GF_Read, 2 * bx, 2 * by, sourceWidth, sourceHeight, validity.data(),
                                                sourceWidth, sourceHeight, GDT_Byte, 0, 0, nullptr)
                           != CE_None)
                    return overviewError(dataset, "cannot read the mask for its overviews", errors.lastError());
                reduce(values, validity, sourceWidth, sourceHeight, width, height, resampling, outValues, outValidity);
                if (target.values->RasterIO(GF_Write, bx, by, width, height, outValues.data(), width, height,
                                            GDT_Byte, 0, 0, nullptr)
                        != CE_None
                    || target.validity->RasterIO(GF_Write, bx, by, width, height, outValidity.data(), width, height,
                                                 GDT_Byte, 0, 0, nullptr)
                           != CE_None)
                    return overviewError(dataset, "cannot write the mask's overviews", errors.lastError());
                progress.setProgress(progressBegin + (progressEnd - progressBegin) * (++doneBlocks / totalBlocks));
            }
        }
    }
    dataset.FlushCache();
    if (!errors.lastError().empty())
        return overviewError(dataset, "cannot write the mask's overviews", errors.lastError());
    return {};
}

} // namespace refermap::geo
