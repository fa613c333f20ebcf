#include "geo/raster_view_renderer.h"

#include "geo/gdal_error_capture.h"
#include "geo/raster_source.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <iterator>
#include <cmath>
#include <cstring>

namespace refermap::geo {

namespace {

struct HeatColour {
    std::uint8_t red, green, blue, alpha;
};

// The heat-map ramp for a probability byte: blue (low), cyan, yellow, red (high), linear between the
// stops; transparent at 0, then more opaque as the probability rises, so that low values do not
// hide the image.
HeatColour heatColour(std::uint8_t probability)
{
    if (probability == 0)
        return {0, 0, 0, 0};
    struct Stop {
        float at, red, green, blue;
    };
    static constexpr Stop stops[] = {{0.0f, 40, 60, 220}, {0.35f, 0, 210, 230}, {0.65f, 250, 230, 40}, {1.0f, 230, 30, 20}};
    const float t = probability / 255.0f;
    std::size_t i = 0;
    while (i + 2 < std::size(stops) && t > stops[i + 1].at)
        ++i;
    const Stop& a = stops[i];
    const Stop& b = stops[i + 1];
    const float f = std::clamp((t - a.at) / (b.at - a.at), 0.0f, 1.0f);
    auto mix = [f](float x, float y) { return static_cast<std::uint8_t>(std::lround(x + (y - x) * f)); };
    return {mix(a.red, b.red), mix(a.green, b.green), mix(a.blue, b.blue),
            static_cast<std::uint8_t>(std::lround(60.0f + 195.0f * t))};
}

constexpr std::int64_t maximumOutputPixels = std::int64_t(1) << 26;

// Default display bands; see RasterViewOptions::bands. Validation (existence, data types) is
// RasterSource's, which open() calls with the chosen bands.
std::vector<int> defaultBands(GDALDataset& dataset)
{
    const int count = dataset.GetRasterCount();
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
        return {red, green, blue};
    if (count >= 3)
        return {1, 2, 3};
    return {1};
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

GDALRIOResampleAlg gdalResampling(ViewResampling resampling)
{
    switch (resampling) {
    case ViewResampling::Nearest:
        return GRIORA_NearestNeighbour;
    case ViewResampling::Bilinear:
        return GRIORA_Bilinear;
    case ViewResampling::Average:
        return GRIORA_Average;
    }
    return GRIORA_NearestNeighbour;
}

// The output cells [begin, end) whose centres fall inside [0, size) of the source axis.
struct Span {
    int begin = 0;
    int end = 0;
};

Span insideSpan(double origin, double step, int outSize, int size)
{
    const double first = std::ceil(-origin / step - 0.5);
    const double last = std::ceil((size - origin) / step - 0.5);
    Span span;
    span.begin = static_cast<int>(std::clamp(first, 0.0, static_cast<double>(outSize)));
    span.end = static_cast<int>(std::clamp(last, 0.0, static_cast<double>(outSize)));
    return span;
}

void clearRows(std::uint8_t* rgba, std::size_t stride, int width, int height)
{
    for (int row = 0; row < height; ++row)
        std::memset(rgba + static_cast<std::size_t>(row) * stride, 0, static_cast<std::size_t>(width) * 4);
}

} // namespace

Result<void> RasterViewRenderer::openHandle()
{
    auto opened = openRasterDataset(path_);
    if (!opened)
        return opened.error();
    dataset_ = std::move(*opened);
    width_ = dataset_->GetRasterXSize();
    height_ = dataset_->GetRasterYSize();
    bandCount_ = dataset_->GetRasterCount();
    std::array<double, 6> transform {0.0, 1.0, 0.0, 0.0, 0.0, 1.0};
    georeferenced_ = dataset_->GetGeoTransform(transform.data()) == CE_None;
    if (!georeferenced_)
        transform = {0.0, 1.0, 0.0, 0.0, 0.0, 1.0};
    auto projection = MapProjection::create(transform, crsWktOf(*dataset_));
    if (!projection)
        return projection.error().withFile(path_.string());
    projection_ = std::move(*projection);
    overviewSizes_.clear();
    if (!bands_.empty() && bands_.front() <= bandCount_) {
        GDALRasterBand* band = dataset_->GetRasterBand(bands_.front());
        for (int level = 0; level < band->GetOverviewCount(); ++level) {
            GDALRasterBand* overview = band->GetOverview(level);
            if (overview)
                overviewSizes_.push_back({overview->GetXSize(), overview->GetYSize()});
        }
    }
    return {};
}

Result<RasterViewRenderer> RasterViewRenderer::open(const std::filesystem::path& path, const RasterViewOptions& options)
{
    RasterViewRenderer renderer;
    renderer.path_ = path;
    renderer.options_ = options;
    if (auto opened = renderer.openHandle(); !opened)
        return opened.error();
    const std::string name = path.string();

    // The band checks and the stretch are RasterSource's own (the query pipeline's), so the display
    // and the model agree. A precomputed stretch goes through as fixed ranges: validated, not resampled.
    RasterSourceOptions sourceOptions;
    sourceOptions.bands = options.heatMap ? std::vector<int>{1}
        : options.bands.empty()          ? defaultBands(*renderer.dataset_)
                                         : options.bands;
    sourceOptions.stretch = options.stretch;
    if (options.precomputedStretch) {
        if (options.precomputedStretch->size() != sourceOptions.bands.size())
            return Error(ErrorCode::InvalidArgument, "the precomputed stretch does not match the display bands")
                .withFile(name)
                .withDetail(std::to_string(options.precomputedStretch->size()) + " stretch bands for "
                    + std::to_string(sourceOptions.bands.size()) + " display bands");
        sourceOptions.stretch.fixedRanges = options.precomputedStretch->bands();
    }
    auto source = RasterSource::open(path, sourceOptions);
    if (!source)
        return source.error();
    renderer.bands_ = source->bandIndices();
    renderer.stretch_ = options.precomputedStretch ? *options.precomputedStretch : source->stretch();
    // Overview sizes need the bands.
    if (auto opened = renderer.openHandle(); !opened)
        return opened.error();
    spdlog::info("map view of '{}': {} x {}, bands {}, {} overview level(s)", name, renderer.width_, renderer.height_,
        fmt::format("{}", fmt::join(renderer.bands_, ",")), renderer.overviewCount());
    return renderer;
}

Result<RasterViewRenderer> RasterViewRenderer::clone() const
{
    RasterViewRenderer copy;
    copy.path_ = path_;
    copy.options_ = options_;
    copy.bands_ = bands_;
    copy.stretch_ = stretch_;
    if (auto opened = copy.openHandle(); !opened)
        return opened.error();
    if (copy.width_ != width_ || copy.height_ != height_ || copy.bandCount_ != bandCount_)
        return Error(ErrorCode::InvalidData, "the raster changed since it was opened").withFile(path_.string());
    return copy;
}

Result<void> RasterViewRenderer::reopen()
{
    auto copy = clone();
    if (!copy)
        return copy.error();
    *this = std::move(*copy);
    return {};
}

int RasterViewRenderer::overviewLevelFor(double sourceWidth, double sourceHeight, int outWidth, int outHeight) const
{
    if (overviewSizes_.empty() || outWidth <= 0 || outHeight <= 0)
        return -1;
    const double xFactor = sourceWidth / outWidth;
    const double yFactor = sourceHeight / outHeight;
    const double desired = (xFactor < yFactor || outHeight == 1) ? xFactor : yFactor;
    const bool zoomedOut = std::max(xFactor, yFactor) > 1.0;
    const ViewResampling resampling = zoomedOut ? options_.zoomedOut : options_.zoomedIn;
    // GDAL's GDALBandGetBestOverviewLevel2: a level may be up to 20 % coarser than asked (checked on
    // GDAL 3.6, all resamplings). GDAL 3.9 lowered that to 1 % for other than nearest neighbour.
#if GDAL_VERSION_NUM >= GDAL_COMPUTE_VERSION(3, 9, 0)
    const double threshold = resampling == ViewResampling::Nearest ? 1.2 : 1.01;
#else
    (void)resampling;
    const double threshold = 1.2;
#endif
    int best = -1;
    double bestFactor = 0.0;
    for (std::size_t level = 0; level < overviewSizes_.size(); ++level) {
        const double ovX = static_cast<double>(width_) / overviewSizes_[level][0];
        const double ovY = static_cast<double>(height_) / overviewSizes_[level][1];
        const double factor = (ovX < ovY) ? ovX : ovY;
        if (factor > desired * threshold || factor <= bestFactor)
            continue;
        best = static_cast<int>(level);
        bestFactor = factor;
    }
    return best;
}

Result<std::vector<std::uint8_t>> RasterViewRenderer::render(
    const PixelWindow& window, int outWidth, int outHeight, RenderStatistics* statistics)
{
    if (outWidth <= 0 || outHeight <= 0 || std::int64_t(outWidth) * outHeight > maximumOutputPixels)
        return Error(ErrorCode::InvalidArgument, "invalid output size")
            .withFile(path_.string())
            .withDetail(std::to_string(outWidth) + " x " + std::to_string(outHeight));
    std::vector<std::uint8_t> image(static_cast<std::size_t>(outWidth) * static_cast<std::size_t>(outHeight) * 4);
    if (auto drawn
        = render(window, outWidth, outHeight, image.data(), static_cast<std::size_t>(outWidth) * 4, statistics);
        !drawn)
        return drawn.error();
    return image;
}

Result<void> RasterViewRenderer::render(const PixelWindow& window, int outWidth, int outHeight, std::uint8_t* rgba,
    std::size_t strideBytes, RenderStatistics* statistics)
{
    const std::string name = path_.string();
    if (outWidth <= 0 || outHeight <= 0 || std::int64_t(outWidth) * outHeight > maximumOutputPixels)
        return Error(ErrorCode::InvalidArgument, "invalid output size")
            .withFile(name)
            .withDetail(std::to_string(outWidth) + " x " + std::to_string(outHeight));
    if (!rgba || strideBytes < static_cast<std::size_t>(outWidth) * 4)
        return Error(ErrorCode::InvalidArgument, "the output buffer is missing or its stride is too small")
            .withFile(name)
            .withDetail("stride " + std::to_string(strideBytes) + " for " + std::to_string(outWidth) + " pixels");
    if (!(std::isfinite(window.x) && std::isfinite(window.y) && std::isfinite(window.width)
            && std::isfinite(window.height) && window.width > 0.0 && window.height > 0.0))
        return Error(ErrorCode::InvalidArgument, "invalid source window")
            .withFile(name)
            .withDetail(fmt::format("{} {} {} x {}", window.x, window.y, window.width, window.height));
    if (statistics)
        *statistics = {};
    clearRows(rgba, strideBytes, outWidth, outHeight);

    const double stepX = window.width / outWidth;
    const double stepY = window.height / outHeight;
    const Span columns = insideSpan(window.x, stepX, outWidth, width_);
    const Span rows = insideSpan(window.y, stepY, outHeight, height_);
    if (columns.end <= columns.begin || rows.end <= rows.begin)
        return {}; // wholly outside: transparent

    // The source rectangle under the inside cells, in full-resolution pixels (clamped to the raster:
    // at most half an output cell at an edge).
    const double x0 = std::max(0.0, window.x + columns.begin * stepX);
    const double x1 = std::min(static_cast<double>(width_), window.x + columns.end * stepX);
    const double y0 = std::max(0.0, window.y + rows.begin * stepY);
    const double y1 = std::min(static_cast<double>(height_), window.y + rows.end * stepY);
    const int bufferWidth = columns.end - columns.begin;
    const int bufferHeight = rows.end - rows.begin;
    const int xOff = std::clamp(static_cast<int>(std::floor(x0)), 0, width_ - 1);
    const int yOff = std::clamp(static_cast<int>(std::floor(y0)), 0, height_ - 1);
    const int xSize = std::clamp(static_cast<int>(std::ceil(x1)), xOff + 1, width_) - xOff;
    const int ySize = std::clamp(static_cast<int>(std::ceil(y1)), yOff + 1, height_) - yOff;

    const bool zoomedOut = stepX > 1.0 + 1e-9 || stepY > 1.0 + 1e-9;
    GDALRasterIOExtraArg extra;
    INIT_RASTERIO_EXTRA_ARG(extra);
    extra.eResampleAlg = gdalResampling(zoomedOut ? options_.zoomedOut : options_.zoomedIn);
    extra.bFloatingPointWindowValidity = TRUE;
    extra.dfXOff = x0;
    extra.dfYOff = y0;
    extra.dfXSize = std::max(x1 - x0, 1e-9);
    extra.dfYSize = std::max(y1 - y0, 1e-9);

    if (statistics) {
        statistics->overviewLevel = overviewLevelFor(x1 - x0, y1 - y0, bufferWidth, bufferHeight);
        double scaleX = 1.0;
        double scaleY = 1.0;
        if (statistics->overviewLevel >= 0) {
            const auto& size = overviewSizes_[static_cast<std::size_t>(statistics->overviewLevel)];
            scaleX = static_cast<double>(size[0]) / width_;
            scaleY = static_cast<double>(size[1]) / height_;
        }
        statistics->sourcePixels = static_cast<std::int64_t>(std::ceil(xSize * scaleX) * std::ceil(ySize * scaleY));
    }

    const auto cells = static_cast<std::size_t>(bufferWidth) * static_cast<std::size_t>(bufferHeight);
    std::vector<float> values(cells);
    std::vector<GByte> mask(cells);
    std::vector<GByte> alpha(cells, 0);
    std::vector<std::vector<GByte>> channels(bands_.size(), std::vector<GByte>(cells, 0));
    bool datasetMaskRead = false;
    GdalErrorCapture errors;
    for (std::size_t channel = 0; channel < bands_.size(); ++channel) {
        const int index = bands_[channel];
        GDALRasterBand& band = *dataset_->GetRasterBand(index);
        auto fail = [&](const char* what) {
            return Error(ErrorCode::Io, what)
                .withFile(name)
                .withBand(index)
                .withDetail(fmt::format("window {},{} {}x{} to {}x{}: {}", xOff, yOff, xSize, ySize, bufferWidth,
                    bufferHeight, errors.lastError()));
        };
        if (band.RasterIO(
                GF_Read, xOff, yOff, xSize, ySize, values.data(), bufferWidth, bufferHeight, GDT_Float32, 0, 0, &extra)
            != CE_None)
            return fail("cannot read the raster window");
        const int flags = band.GetMaskFlags();
        if (flags == GMF_ALL_VALID) {
            std::fill(mask.begin(), mask.end(), GByte(255));
        } else if (!((flags & GMF_PER_DATASET) && datasetMaskRead)) {
            // Read at the output size too, so the mask comes from the same overview level.
            if (band.GetMaskBand()->RasterIO(
                    GF_Read, xOff, yOff, xSize, ySize, mask.data(), bufferWidth, bufferHeight, GDT_Byte, 0, 0, &extra)
                != CE_None)
                return fail("cannot read the raster's mask");
            datasetMaskRead = (flags & GMF_PER_DATASET) != 0;
        }
        int hasNodata = 0;
        const auto nodata = static_cast<float>(band.GetNoDataValue(&hasNodata));
        const BandStretch& stretch = stretch_.band(channel);
        std::vector<GByte>& out = channels[channel];
        for (std::size_t i = 0; i < cells; ++i) {
            const float value = values[i];
            if (mask[i] != 0 && std::isfinite(value) && !(hasNodata && value == nodata)) {
                out[i] = options_.heatMap ? static_cast<GByte>(std::clamp(std::lround(value), 0L, 255L))
                                          : static_cast<GByte>(std::lround(stretch.apply(value) * 255.0f));
                alpha[i] = std::max(alpha[i], mask[i]);
            }
        }
    }

    for (int row = 0; row < bufferHeight; ++row) {
        std::uint8_t* line = rgba + static_cast<std::size_t>(rows.begin + row) * strideBytes
            + static_cast<std::size_t>(columns.begin) * 4;
        const std::size_t from = static_cast<std::size_t>(row) * static_cast<std::size_t>(bufferWidth);
        for (int column = 0; column < bufferWidth; ++column) {
            const std::size_t source = from + static_cast<std::size_t>(column);
            std::uint8_t* pixel = line + static_cast<std::size_t>(column) * 4;
            if (!alpha[source])
                continue;
            if (options_.heatMap) {
                const std::uint8_t probability = channels[0][source];
                const HeatColour colour = heatColour(probability);
                pixel[0] = colour.red;
                pixel[1] = colour.green;
                pixel[2] = colour.blue;
                pixel[3] = static_cast<std::uint8_t>(std::min<int>(alpha[source], colour.alpha));
                continue;
            }
            for (std::size_t channel = 0; channel < 3; ++channel)
                pixel[channel] = channels[std::min(channel, channels.size() - 1)][source];
            pixel[3] = alpha[source];
        }
    }
    return {};
}

} // namespace refermap::geo
