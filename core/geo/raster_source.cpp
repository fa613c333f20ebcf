#include "geo/raster_source.h"

#include "geo/gdal_error_capture.h"

#include <fmt/format.h>
#include <gdal_priv.h>
#include <gdal_utils.h>
#include <ogr_spatialref.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace refermap::geo {

namespace {

constexpr std::int64_t maximumWindowPixels = std::int64_t(1) << 28;

std::string describeBands(GDALDataset& dataset)
{
    std::string text = "bands:";
    for (int index = 1; index <= dataset.GetRasterCount(); ++index) {
        GDALRasterBand* band = dataset.GetRasterBand(index);
        text += std::string(index == 1 ? " " : ", ") + std::to_string(index) + " ("
            + GDALGetDataTypeName(band->GetRasterDataType()) + ", "
            + GDALGetColorInterpretationName(band->GetColorInterpretation()) + ")";
    }
    return text;
}

// The bands to read, in channel order; see RasterSource::open().
Result<std::vector<int>> chooseBands(GDALDataset& dataset, const std::vector<int>& requested, const std::string& file)
{
    const int count = dataset.GetRasterCount();
    if (!requested.empty()) {
        if (requested.size() != 1 && requested.size() != 3)
            return Error(ErrorCode::InvalidArgument, "choose one band (grey) or three bands (red, green, blue)")
                .withFile(file)
                .withDetail(std::to_string(requested.size()) + " bands given; " + describeBands(dataset));
        for (const int index : requested) {
            if (index < 1 || index > count)
                return Error(ErrorCode::NotFound, "the band does not exist")
                    .withFile(file)
                    .withBand(index)
                    .withDetail("the raster has " + std::to_string(count) + " band(s); " + describeBands(dataset));
        }
        return requested;
    }
    int red = 0;
    int green = 0;
    int blue = 0;
    for (int index = count; index >= 1; --index) { // the first band of each colour wins
        switch (dataset.GetRasterBand(index)->GetColorInterpretation()) {
        case GCI_RedBand:
            red = index;
            break;
        case GCI_GreenBand:
            green = index;
            break;
        case GCI_BlueBand:
            blue = index;
            break;
        default:
            break;
        }
    }
    if (red && green && blue)
        return std::vector<int> {red, green, blue};
    if (count <= 2) {
        if (dataset.GetRasterBand(1)->GetColorInterpretation() == GCI_PaletteIndex)
            spdlog::warn("raster '{}': band 1 has a colour table; its indices are read as grey values", file);
        return std::vector<int> {1};
    }
    if (count == 3)
        return std::vector<int> {1, 2, 3};
    return Error(ErrorCode::InvalidArgument,
        "the raster has " + std::to_string(count)
            + " bands and none marked red, green and blue; choose one band (grey) or three (red, green, blue)")
        .withFile(file)
        .withDetail(describeBands(dataset));
}

Result<void> checkDataTypes(GDALDataset& dataset, const std::vector<int>& bands, const std::string& file)
{
    for (const int index : bands) {
        const GDALDataType type = dataset.GetRasterBand(index)->GetRasterDataType();
        if (type != GDT_Byte && type != GDT_UInt16 && type != GDT_Int16 && type != GDT_Float32)
            return Error(ErrorCode::Unsupported, "unsupported band data type (Byte, UInt16, Int16 or Float32 expected)")
                .withFile(file)
                .withBand(index)
                .withDetail(std::string("the band is ") + GDALGetDataTypeName(type));
    }
    return {};
}

std::string crsWktOf(GDALDataset& dataset)
{
    const OGRSpatialReference* srs = dataset.GetSpatialRef();
    if (!srs || srs->IsEmpty())
        return {};
    const char* options[] = {"FORMAT=WKT2_2019", "MULTILINE=NO", nullptr};
    char* wkt = nullptr;
    std::string text;
    if (srs->exportToWkt(&wkt, options) == OGRERR_NONE && wkt)
        text = wkt;
    CPLFree(wkt);
    return text;
}

std::string formatNumber(double value)
{
    return fmt::format("{:.17g}", value);
}

// An in-memory VRT on `file` with pixels of `gsd` ground units.
Result<GdalDatasetPtr> resample(GDALDataset& file, double gsd, const std::string& fileName)
{
    std::array<double, 6> transform {};
    if (file.GetGeoTransform(transform.data()) != CE_None)
        return Error(ErrorCode::InvalidArgument, "a target ground sampling distance needs a georeferenced raster")
            .withFile(fileName);
    if (transform[2] != 0.0 || transform[4] != 0.0)
        return Error(ErrorCode::Unsupported, "resampling a rotated raster is not supported").withFile(fileName);
    if (!(std::isfinite(gsd) && gsd > 0.0))
        return Error(ErrorCode::InvalidArgument, "the target ground sampling distance must be positive")
            .withFile(fileName)
            .withDetail("got " + formatNumber(gsd));
    const double native = std::min(std::abs(transform[1]), std::abs(transform[5]));
    const std::string size = formatNumber(gsd);
    const char* method = gsd > native ? "average" : "bilinear";
    const char* arguments[] = {"-of", "VRT", "-tr", size.c_str(), size.c_str(), "-r", method, nullptr};
    GdalErrorCapture errors;
    GDALTranslateOptions* options = GDALTranslateOptionsNew(const_cast<char**>(arguments), nullptr);
    if (!options)
        return Error(ErrorCode::Internal, "cannot prepare the resampling")
            .withFile(fileName)
            .withDetail(errors.lastError());
    int usageError = 0;
    GDALDatasetH view = GDALTranslate("", GDALDataset::ToHandle(&file), options, &usageError);
    GDALTranslateOptionsFree(options);
    if (!view || usageError)
        return Error(ErrorCode::InvalidArgument, "cannot resample the raster to the target ground sampling distance")
            .withFile(fileName)
            .withDetail(errors.lastError());
    GdalDatasetPtr result(GDALDataset::FromHandle(view));
    if (result->GetRasterXSize() < 1 || result->GetRasterYSize() < 1)
        return Error(ErrorCode::InvalidArgument, "the target ground sampling distance leaves no pixel")
            .withFile(fileName)
            .withDetail("target " + size);
    return result;
}

struct Clip {
    int x0 = 0;
    int y0 = 0;
    int width = 0;
    int height = 0;
    bool empty() const { return width <= 0 || height <= 0; }
};

Clip clipWindow(int x, int y, int width, int height, int rasterWidth, int rasterHeight)
{
    const std::int64_t x0 = std::max<std::int64_t>(x, 0);
    const std::int64_t y0 = std::max<std::int64_t>(y, 0);
    const std::int64_t x1 = std::min<std::int64_t>(std::int64_t(x) + width, rasterWidth);
    const std::int64_t y1 = std::min<std::int64_t>(std::int64_t(y) + height, rasterHeight);
    if (x1 <= x0 || y1 <= y0)
        return {};
    return {static_cast<int>(x0), static_cast<int>(y0), static_cast<int>(x1 - x0), static_cast<int>(y1 - y0)};
}

Result<void> checkWindow(int width, int height)
{
    if (width <= 0 || height <= 0 || std::int64_t(width) * height > maximumWindowPixels)
        return Error(ErrorCode::InvalidArgument, "invalid window size")
            .withDetail(std::to_string(width) + " x " + std::to_string(height));
    return {};
}

} // namespace

RasterSource& RasterSource::operator=(RasterSource&& other) noexcept
{
    if (this != &other) {
        view_.reset(); // the VRT refers to file_: close it first
        file_ = std::move(other.file_);
        view_ = std::move(other.view_);
        path_ = std::move(other.path_);
        options_ = std::move(other.options_);
        width_ = other.width_;
        height_ = other.height_;
        fileWidth_ = other.fileWidth_;
        fileHeight_ = other.fileHeight_;
        geoTransform_ = other.geoTransform_;
        georeferenced_ = other.georeferenced_;
        crsWkt_ = std::move(other.crsWkt_);
        bands_ = std::move(other.bands_);
        stretch_ = std::move(other.stretch_);
    }
    return *this;
}

Result<void> RasterSource::openHandles()
{
    const std::string name = path_.string();
    auto opened = openRasterDataset(path_);
    if (!opened)
        return opened.error();
    file_ = std::move(*opened);
    fileWidth_ = file_->GetRasterXSize();
    fileHeight_ = file_->GetRasterYSize();
    if (options_.targetGsd) {
        auto view = resample(*file_, *options_.targetGsd, name);
        if (!view)
            return view.error();
        view_ = std::move(*view);
    }
    GDALDataset& pixels = dataset();
    width_ = pixels.GetRasterXSize();
    height_ = pixels.GetRasterYSize();
    georeferenced_ = pixels.GetGeoTransform(geoTransform_.data()) == CE_None;
    if (!georeferenced_)
        geoTransform_ = {0.0, 1.0, 0.0, 0.0, 0.0, 1.0};
    crsWkt_ = crsWktOf(pixels);
    return {};
}

Result<RasterSource> RasterSource::open(const std::filesystem::path& path, const RasterSourceOptions& options)
{
    RasterSource source;
    source.path_ = path;
    source.options_ = options;
    if (auto opened = source.openHandles(); !opened)
        return opened.error();
    const std::string name = path.string();

    auto bands = chooseBands(*source.file_, options.bands, name);
    if (!bands)
        return bands.error();
    source.bands_ = std::move(*bands);
    if (auto types = checkDataTypes(*source.file_, source.bands_, name); !types)
        return types.error();

    // The stretch comes from the file itself (its overviews and masks), not the resampling VRT.
    auto stretch = PercentileStretch::compute(*source.file_, source.bands_, options.stretch, name);
    if (!stretch)
        return stretch.error();
    source.stretch_ = std::move(*stretch);

    if (!source.georeferenced_)
        spdlog::info("raster '{}' is not georeferenced: pixel coordinates are used (identity geotransform)", name);
    std::string bandText;
    for (std::size_t channel = 0; channel < source.bands_.size(); ++channel) {
        const BandStretch& band = source.stretch_.band(channel);
        bandText += (channel ? ", " : "") + std::to_string(source.bands_[channel]) + " [" + formatNumber(band.low)
            + ", " + formatNumber(band.high) + "]";
    }
    spdlog::info("raster '{}': {} x {} pixels{}, {} band(s) {}; stretch from {}", name, source.width_, source.height_,
        source.view_ ? " (resampled to " + formatNumber(*options.targetGsd) + " per pixel)" : std::string(),
        source.grey() ? "grey" : "RGB", bandText, source.stretch_.sampleSource());
    return source;
}

Result<RasterSource> RasterSource::reopen() const
{
    RasterSource copy;
    copy.path_ = path_;
    copy.options_ = options_;
    if (auto opened = copy.openHandles(); !opened)
        return opened.error();
    if (copy.width_ != width_ || copy.height_ != height_
        || copy.file_->GetRasterCount() < *std::max_element(bands_.begin(), bands_.end()))
        return Error(ErrorCode::InvalidData, "the raster changed since it was opened").withFile(path_.string());
    copy.bands_ = bands_;
    copy.stretch_ = stretch_;
    return copy;
}

Result<RasterWindow> RasterSource::readWindow(int x, int y, int width, int height)
{
    if (auto checked = checkWindow(width, height); !checked)
        return checked.error().withFile(path_.string());
    RasterWindow window;
    window.x = x;
    window.y = y;
    window.width = width;
    window.height = height;
    const auto plane = static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
    window.pixels.assign(3 * plane, 0.0f);
    window.valid.assign(plane, 0);
    const Clip clip = clipWindow(x, y, width, height, width_, height_);
    if (clip.empty())
        return window;

    const auto clipped = static_cast<std::size_t>(clip.width) * static_cast<std::size_t>(clip.height);
    std::vector<float> values(clipped);
    std::vector<GByte> mask(clipped);
    std::vector<GByte> anyValid(clipped, 0);
    std::vector<std::vector<float>> channels(bands_.size(), std::vector<float>(clipped, 0.0f));
    bool datasetMaskRead = false;
    GDALDataset& pixels = dataset();
    GdalErrorCapture errors;
    for (std::size_t channel = 0; channel < bands_.size(); ++channel) {
        const int index = bands_[channel];
        GDALRasterBand& band = *pixels.GetRasterBand(index);
        auto fail = [&](const char* what) {
            return Error(ErrorCode::Io, what)
                .withFile(path_.string())
                .withBand(index)
                .withDetail("window " + std::to_string(clip.x0) + "," + std::to_string(clip.y0) + " "
                    + std::to_string(clip.width) + "x" + std::to_string(clip.height) + ": " + errors.lastError());
        };
        if (band.RasterIO(GF_Read, clip.x0, clip.y0, clip.width, clip.height, values.data(), clip.width, clip.height,
                GDT_Float32, 0, 0, nullptr)
            != CE_None)
            return fail("cannot read the raster window");
        const int flags = band.GetMaskFlags();
        if (flags == GMF_ALL_VALID) {
            std::fill(mask.begin(), mask.end(), GByte(1));
        } else if (!((flags & GMF_PER_DATASET) && datasetMaskRead)) {
            if (band.GetMaskBand()->RasterIO(GF_Read, clip.x0, clip.y0, clip.width, clip.height, mask.data(),
                    clip.width, clip.height, GDT_Byte, 0, 0, nullptr)
                != CE_None)
                return fail("cannot read the raster's mask");
            datasetMaskRead = (flags & GMF_PER_DATASET) != 0;
        }
        int hasNodata = 0;
        const double nodataValue = band.GetNoDataValue(&hasNodata);
        const auto nodata = static_cast<float>(nodataValue);
        const BandStretch& stretch = stretch_.band(channel);
        std::vector<float>& out = channels[channel];
        for (std::size_t i = 0; i < clipped; ++i) {
            const float value = values[i];
            if (mask[i] != 0 && std::isfinite(value) && !(hasNodata && value == nodata)) {
                out[i] = stretch.apply(value);
                anyValid[i] = 1;
            }
        }
    }

    for (int row = 0; row < clip.height; ++row) {
        const std::size_t from = static_cast<std::size_t>(row) * static_cast<std::size_t>(clip.width);
        const std::size_t to = static_cast<std::size_t>(clip.y0 - y + row) * static_cast<std::size_t>(width)
            + static_cast<std::size_t>(clip.x0 - x);
        for (int column = 0; column < clip.width; ++column) {
            const std::size_t source = from + static_cast<std::size_t>(column);
            const std::size_t target = to + static_cast<std::size_t>(column);
            if (!anyValid[source])
                continue;
            window.valid[target] = 1;
            for (std::size_t channel = 0; channel < 3; ++channel) {
                const std::size_t band = std::min(channel, channels.size() - 1);
                window.pixels[channel * plane + target] = channels[band][source];
            }
        }
    }
    return window;
}

Result<bool> RasterSource::windowHasValidPixels(int x, int y, int width, int height)
{
    if (auto checked = checkWindow(width, height); !checked)
        return checked.error().withFile(path_.string());
    const Clip clip = clipWindow(x, y, width, height, width_, height_);
    if (clip.empty())
        return false;
    GDALDataset& pixels = dataset();
    std::vector<GByte> mask(static_cast<std::size_t>(clip.width) * static_cast<std::size_t>(clip.height));
    GdalErrorCapture errors;
    for (const int index : bands_) {
        GDALRasterBand& band = *pixels.GetRasterBand(index);
        const int flags = band.GetMaskFlags();
        if (flags == GMF_ALL_VALID)
            return true;
        if (band.GetMaskBand()->RasterIO(GF_Read, clip.x0, clip.y0, clip.width, clip.height, mask.data(), clip.width,
                clip.height, GDT_Byte, 0, 0, nullptr)
            != CE_None)
            return Error(ErrorCode::Io, "cannot read the raster's mask")
                .withFile(path_.string())
                .withBand(index)
                .withDetail(errors.lastError());
        if (std::any_of(mask.begin(), mask.end(), [](GByte value) { return value != 0; }))
            return true;
        if (flags & GMF_PER_DATASET)
            return false; // every band shares this mask
    }
    return false;
}

} // namespace refermap::geo
