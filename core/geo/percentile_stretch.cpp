#include "geo/percentile_stretch.h"

#include "geo/gdal_error_capture.h"

#include <gdal_priv.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <utility>

namespace refermap::geo {

float BandStretch::apply(double value) const
{
    const double scaled = (value - low) / (high - low);
    if (!(scaled > 0.0)) // also maps NaN to 0
        return 0.0f;
    if (scaled >= 1.0)
        return 1.0f;
    return static_cast<float>(scaled);
}

namespace {

struct Window {
    int x = 0;
    int y = 0;
    int width = 0;
    int height = 0;
};

// What to read for one band: a band (full resolution or one overview) and the windows of it.
struct SamplePlan {
    GDALRasterBand* source = nullptr;
    std::vector<Window> windows;
    std::int64_t pixels = 0;
    std::string description;
    bool exact = false;
};

// Collects the valid values of one band: a histogram for integer types, the values for Float32.
class BandAccumulator {
public:
    explicit BandAccumulator(GDALDataType type)
        : integer_(type != GDT_Float32)
        , offset_(type == GDT_Int16 ? 32768 : 0)
    {
        if (integer_)
            histogram_.assign(type == GDT_Byte ? 256 : 65536, 0);
    }

    void add(float value)
    {
        if (integer_) {
            const long long bin = static_cast<long long>(value) + offset_;
            if (bin >= 0 && bin < static_cast<long long>(histogram_.size()))
                ++histogram_[static_cast<std::size_t>(bin)];
        } else {
            values_.push_back(value);
        }
        ++count_;
    }

    std::int64_t count() const { return count_; }

    // Nearest-rank percentile: the value of rank round(percent / 100 · (N − 1)) in ascending order.
    double percentile(double percent)
    {
        const auto rank = static_cast<std::int64_t>(std::llround(percent / 100.0 * static_cast<double>(count_ - 1)));
        if (integer_) {
            std::int64_t cumulative = 0;
            for (std::size_t bin = 0; bin < histogram_.size(); ++bin) {
                cumulative += static_cast<std::int64_t>(histogram_[bin]);
                if (cumulative > rank)
                    return static_cast<double>(static_cast<long long>(bin) - offset_);
            }
            return static_cast<double>(static_cast<long long>(histogram_.size()) - 1 - offset_);
        }
        auto nth = values_.begin() + static_cast<std::ptrdiff_t>(rank);
        std::nth_element(values_.begin(), nth, values_.end());
        return *nth;
    }

    double minimum() { return percentile(0.0); }
    double maximum() { return percentile(100.0); }

private:
    bool integer_;
    long long offset_;
    std::vector<std::uint64_t> histogram_;
    std::vector<float> values_;
    std::int64_t count_ = 0;
};

bool isSupportedType(GDALDataType type)
{
    return type == GDT_Byte || type == GDT_UInt16 || type == GDT_Int16 || type == GDT_Float32;
}

std::string sizeText(int width, int height)
{
    return std::to_string(width) + "x" + std::to_string(height);
}

// The whole of `band` in strips of whole blocks of about a million pixels.
std::vector<Window> wholeBandWindows(GDALRasterBand& band)
{
    const int width = band.GetXSize();
    const int height = band.GetYSize();
    int blockWidth = 0;
    int blockHeight = 0;
    band.GetBlockSize(&blockWidth, &blockHeight);
    blockHeight = std::max(1, blockHeight);
    const std::int64_t blocksPerStrip
        = std::max<std::int64_t>(1, (1 << 20) / (static_cast<std::int64_t>(width) * blockHeight));
    const int stripHeight = static_cast<int>(std::min<std::int64_t>(height, blocksPerStrip * blockHeight));
    std::vector<Window> windows;
    for (int y = 0; y < height; y += stripHeight)
        windows.push_back({0, y, width, std::min(stripHeight, height - y)});
    return windows;
}

// About `target` pixels of `band` in block-aligned windows spread over the band.
// Deterministic; each window covers whole blocks, so only the blocks sampled are decoded.
std::vector<Window> sampledBlockWindows(GDALRasterBand& band, std::int64_t target, std::string& description)
{
    const int width = band.GetXSize();
    const int height = band.GetYSize();
    int blockWidth = 0;
    int blockHeight = 0;
    band.GetBlockSize(&blockWidth, &blockHeight);
    blockWidth = std::clamp(blockWidth, 1, width);
    blockHeight = std::clamp(blockHeight, 1, height);
    // Small blocks (strips of one row, 64² blocks) are grouped into windows of at least 128² pixels; many
    // small windows spread over the raster represent it better than a few large ones.
    int windowWidth = blockWidth;
    int windowHeight = blockHeight;
    while (static_cast<std::int64_t>(windowWidth) * windowHeight < 16384
        && (windowWidth < width || windowHeight < height)) {
        if ((windowWidth <= windowHeight && windowWidth < width) || windowHeight >= height)
            windowWidth = std::min(width, windowWidth + blockWidth);
        else
            windowHeight = std::min(height, windowHeight + blockHeight);
    }
    const std::int64_t columns = (width + windowWidth - 1) / windowWidth;
    const std::int64_t rows = (height + windowHeight - 1) / windowHeight;
    const std::int64_t windowPixels = static_cast<std::int64_t>(windowWidth) * windowHeight;
    const std::int64_t wanted = std::clamp<std::int64_t>((target + windowPixels - 1) / windowPixels, 1, columns * rows);
    // Window positions follow the R2 low-discrepancy sequence (Roberts 2018): spread evenly like a
    // lattice, but without a lattice's aliasing with periodic content (fields, mosaics, tiles).
    std::set<std::pair<std::int64_t, std::int64_t>> chosen; // (row, column), read in this order
    if (wanted >= columns * rows) {
        for (std::int64_t row = 0; row < rows; ++row) {
            for (std::int64_t column = 0; column < columns; ++column)
                chosen.insert({row, column});
        }
    } else {
        constexpr double plastic = 1.32471795724474602596;
        for (std::int64_t i = 0; static_cast<std::int64_t>(chosen.size()) < wanted && i < 64 * wanted; ++i) {
            const double u = std::fmod(0.5 + static_cast<double>(i) / plastic, 1.0);
            const double v = std::fmod(0.5 + static_cast<double>(i) / (plastic * plastic), 1.0);
            chosen.insert({std::min(rows - 1, static_cast<std::int64_t>(v * static_cast<double>(rows))),
                std::min(columns - 1, static_cast<std::int64_t>(u * static_cast<double>(columns)))});
        }
    }
    std::vector<Window> windows;
    for (const auto& [row, column] : chosen) {
        const int x = static_cast<int>(column) * windowWidth;
        const int y = static_cast<int>(row) * windowHeight;
        windows.push_back({x, y, std::min(windowWidth, width - x), std::min(windowHeight, height - y)});
    }
    description = std::to_string(windows.size()) + " sampled windows of " + sizeText(windowWidth, windowHeight)
        + " from " + sizeText(width, height);
    return windows;
}

SamplePlan planSample(GDALRasterBand& band, const StretchOptions& options)
{
    SamplePlan plan;
    plan.source = &band;
    std::int64_t bestPixels = std::numeric_limits<std::int64_t>::max();
    for (int level = 0; level < band.GetOverviewCount(); ++level) {
        GDALRasterBand* overview = band.GetOverview(level);
        if (!overview)
            continue;
        const std::int64_t pixels = static_cast<std::int64_t>(overview->GetXSize()) * overview->GetYSize();
        if (pixels >= options.minimumSamplePixels && pixels < bestPixels) {
            bestPixels = pixels;
            plan.source = overview;
        }
    }
    const bool overview = plan.source != &band;
    const int width = plan.source->GetXSize();
    const int height = plan.source->GetYSize();
    if (static_cast<std::int64_t>(width) * height <= options.maximumSamplePixels) {
        plan.windows = wholeBandWindows(*plan.source);
        plan.description = (overview ? "overview " : "full band ") + sizeText(width, height);
        plan.exact = !overview;
    } else {
        std::string description;
        plan.windows = sampledBlockWindows(*plan.source, options.maximumSamplePixels / 4, description);
        plan.description = (overview ? "overview, " : "full band, ") + description;
    }
    for (const Window& window : plan.windows)
        plan.pixels += static_cast<std::int64_t>(window.width) * window.height;
    return plan;
}

// Adds the valid values of `plan` to `accumulator`. `nodata` is the full-resolution band's.
Result<void> accumulate(const SamplePlan& plan, std::optional<double> nodata, BandAccumulator& accumulator,
    const std::string& fileName, int bandIndex)
{
    GDALRasterBand& source = *plan.source;
    GDALRasterBand* mask = source.GetMaskFlags() == GMF_ALL_VALID ? nullptr : source.GetMaskBand();
    const bool hasNodata = nodata.has_value();
    const float nodataValue = hasNodata ? static_cast<float>(*nodata) : 0.0f;
    std::vector<float> values;
    std::vector<GByte> valid;
    for (const Window& window : plan.windows) {
        const auto count = static_cast<std::size_t>(window.width) * static_cast<std::size_t>(window.height);
        values.resize(count);
        valid.assign(count, 1);
        GdalErrorCapture errors;
        CPLErr status = source.RasterIO(GF_Read, window.x, window.y, window.width, window.height, values.data(),
            window.width, window.height, GDT_Float32, 0, 0, nullptr);
        if (status == CE_None && mask) {
            status = mask->RasterIO(GF_Read, window.x, window.y, window.width, window.height, valid.data(),
                window.width, window.height, GDT_Byte, 0, 0, nullptr);
        }
        if (status != CE_None) {
            return Error(ErrorCode::Io, "cannot read the pixels for the contrast stretch")
                .withFile(fileName)
                .withBand(bandIndex)
                .withDetail(errors.lastError());
        }
        for (std::size_t i = 0; i < count; ++i) {
            const float value = values[i];
            if (valid[i] != 0 && std::isfinite(value) && !(hasNodata && value == nodataValue))
                accumulator.add(value);
        }
    }
    return {};
}

Result<void> checkOptions(const StretchOptions& options, std::size_t bandCount)
{
    if (!(options.lowPercent >= 0.0 && options.lowPercent < options.highPercent && options.highPercent <= 100.0))
        return Error(ErrorCode::InvalidArgument, "the stretch percentiles must satisfy 0 <= low < high <= 100")
            .withDetail("low " + std::to_string(options.lowPercent) + ", high " + std::to_string(options.highPercent));
    if (options.minimumSamplePixels <= 0 || options.maximumSamplePixels <= 0)
        return Error(ErrorCode::InvalidArgument, "the stretch sample sizes must be positive");
    if (!options.fixedRanges.empty() && options.fixedRanges.size() != 1 && options.fixedRanges.size() != bandCount)
        return Error(ErrorCode::InvalidArgument, "give one fixed stretch range for all bands or one per band")
            .withDetail(
                std::to_string(options.fixedRanges.size()) + " ranges for " + std::to_string(bandCount) + " bands");
    for (const BandStretch& range : options.fixedRanges) {
        if (!(std::isfinite(range.low) && std::isfinite(range.high) && range.low < range.high))
            return Error(ErrorCode::InvalidArgument, "a fixed stretch range needs finite low < high")
                .withDetail("low " + std::to_string(range.low) + ", high " + std::to_string(range.high));
    }
    return {};
}

} // namespace

Result<PercentileStretch> PercentileStretch::compute(
    GDALDataset& dataset, const std::vector<int>& bands, const StretchOptions& options, const std::string& fileName)
{
    if (bands.empty())
        return Error(ErrorCode::InvalidArgument, "no bands to stretch").withFile(fileName);
    if (auto checked = checkOptions(options, bands.size()); !checked)
        return checked.error().withFile(fileName);
    for (const int index : bands) {
        if (index < 1 || index > dataset.GetRasterCount())
            return Error(ErrorCode::NotFound, "the band does not exist").withFile(fileName).withBand(index);
        const GDALDataType type = dataset.GetRasterBand(index)->GetRasterDataType();
        if (!isSupportedType(type))
            return Error(ErrorCode::Unsupported, "unsupported band data type (Byte, UInt16, Int16 or Float32 expected)")
                .withFile(fileName)
                .withBand(index)
                .withDetail(std::string("the band is ") + GDALGetDataTypeName(type));
    }

    PercentileStretch stretch;
    if (!options.fixedRanges.empty()) {
        for (std::size_t channel = 0; channel < bands.size(); ++channel)
            stretch.bands_.push_back(
                options.fixedRanges.size() == 1 ? options.fixedRanges[0] : options.fixedRanges[channel]);
        stretch.sampleSource_ = "fixed ranges";
        return stretch;
    }

    bool anyValid = false;
    for (const int index : bands) {
        GDALRasterBand& band = *dataset.GetRasterBand(index);
        const SamplePlan plan = planSample(band, options);
        int hasNodata = 0;
        const double nodataValue = band.GetNoDataValue(&hasNodata);
        const std::optional<double> nodata = hasNodata ? std::optional<double>(nodataValue) : std::nullopt;
        BandAccumulator accumulator(band.GetRasterDataType());
        if (auto read = accumulate(plan, nodata, accumulator, fileName, index); !read)
            return read.error();
        stretch.samplePixelCount_ = std::max(stretch.samplePixelCount_, plan.pixels);
        if (stretch.sampleSource_.empty()) {
            stretch.sampleSource_ = plan.description;
            stretch.exact_ = plan.exact;
        }

        BandStretch result;
        if (accumulator.count() == 0) {
            result.noValidPixels = true;
            spdlog::warn("contrast stretch of '{}': band {} has no valid pixel in its sample ({})", fileName, index,
                plan.description);
        } else {
            anyValid = true;
            result.low = accumulator.percentile(options.lowPercent);
            result.high = accumulator.percentile(options.highPercent);
            if (!(result.high > result.low)) {
                result.low = accumulator.minimum();
                result.high = accumulator.maximum();
            }
            if (!(result.high > result.low)) {
                const double value = result.low;
                result.low = value - 0.5;
                result.high = value + 0.5;
                result.constant = true;
                spdlog::warn(
                    "contrast stretch of '{}': band {} is constant ({}); it maps to mid grey", fileName, index, value);
            }
        }
        spdlog::debug("contrast stretch of '{}', band {}: [{}, {}] from {} valid of {} pixels ({})", fileName, index,
            result.low, result.high, accumulator.count(), plan.pixels, plan.description);
        stretch.bands_.push_back(result);
    }
    if (!anyValid) {
        return Error(ErrorCode::InvalidData, "the raster has no valid pixels (everything is nodata or masked)")
            .withFile(fileName)
            .withDetail("sampled " + stretch.sampleSource_);
    }
    return stretch;
}

} // namespace refermap::geo
