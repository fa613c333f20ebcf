#include "geo/editable_mask.h"

#include "common/atomic_file.h"
#include "geo/gdal_environment.h"
#include "geo/gdal_error_capture.h"
#include "geo/gdal_progress.h"

#include <cpl_string.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace refermap::geo {

namespace {

// Clamps a coordinate to [lo, hi] before it becomes an int, so huge or far-away points cannot overflow.
int clampToInt(double value, int lo, int hi)
{
    if (!(value > lo))
        return lo;
    if (value >= hi)
        return hi;
    return static_cast<int>(value);
}

bool allFinite(const std::vector<MaskPoint>& points)
{
    return std::all_of(points.begin(), points.end(),
                       [](const MaskPoint& p) { return std::isfinite(p.x) && std::isfinite(p.y); });
}

// Squared distance from (px, py) to the segment a-b (a point when a == b).
double squaredDistanceToSegment(double px, double py, const MaskPoint& a, const MaskPoint& b)
{
    const double dx = b.x - a.x;
    const double dy = b.y - a.y;
    const double length2 = dx * dx + dy * dy;
    double t = 0.0;
    if (length2 > 0.0)
        t = std::clamp(((px - a.x) * dx + (py - a.y) * dy) / length2, 0.0, 1.0);
    const double qx = a.x + t * dx - px;
    const double qy = a.y + t * dy - py;
    return qx * qx + qy * qy;
}

// The first integer i with i + 0.5 >= bound (computed so that it agrees exactly with that test).
long long firstCentreAtOrAfter(double bound)
{
    double start = std::ceil(bound - 0.5);
    if (start < -1e15)
        start = -1e15;
    if (start > 1e15)
        start = 1e15;
    auto i = static_cast<long long>(start);
    while (static_cast<double>(i) + 0.5 < bound)
        ++i;
    while (static_cast<double>(i - 1) + 0.5 >= bound)
        --i;
    return i;
}

Error readError(const std::filesystem::path& path, int column, int row, const std::string& detail)
{
    return Error(ErrorCode::Io, "cannot read the mask").withFile(path.string()).withTile(column, row).withDetail(detail);
}

} // namespace

EditableMask::EditableMask(int width, int height, int tileSize, std::optional<std::array<double, 6>> geoTransform,
                           std::string crsWkt)
    : width_(width)
    , height_(height)
    , tileSize_(tileSize)
    , tileColumns_((width + tileSize - 1) / tileSize)
    , tileRows_((height + tileSize - 1) / tileSize)
    , geoTransform_(std::move(geoTransform))
    , crsWkt_(std::move(crsWkt))
    , edited_(static_cast<std::size_t>(tileColumns_) * static_cast<std::size_t>(tileRows_))
{
}

EditableMask::EditableMask(EditableMask&&) noexcept = default;
EditableMask& EditableMask::operator=(EditableMask&&) noexcept = default;
EditableMask::~EditableMask() = default;

static Result<void> checkTileSize(int tileSize)
{
    // GeoTIFF blocks must be multiples of 16, and save() writes one block per tile.
    if (tileSize < 16 || tileSize > 4096 || tileSize % 16 != 0)
        return Error(ErrorCode::InvalidArgument, "the mask tile size must be a multiple of 16 between 16 and 4096")
            .withKey("tile_size");
    return {};
}

Result<EditableMask> EditableMask::open(const std::filesystem::path& maskPath, int tileSize)
{
    ensureGdalInitialised();
    if (auto checked = checkTileSize(tileSize); !checked)
        return checked.error();
    auto dataset = openRasterDataset(maskPath);
    if (!dataset)
        return dataset.error();
    GDALDataset& ds = **dataset;
    if (ds.GetRasterCount() != 1)
        return Error(ErrorCode::InvalidData, "a mask must have exactly one band")
            .withFile(maskPath.string())
            .withDetail(std::to_string(ds.GetRasterCount()) + " bands");
    if (ds.GetRasterBand(1)->GetRasterDataType() != GDT_Byte)
        return Error(ErrorCode::InvalidData, "a mask must be 8-bit (Byte)")
            .withFile(maskPath.string())
            .withBand(1)
            .withDetail(GDALGetDataTypeName(ds.GetRasterBand(1)->GetRasterDataType()));
    std::optional<std::array<double, 6>> transform;
    std::array<double, 6> values{};
    if (ds.GetGeoTransform(values.data()) == CE_None)
        transform = values;
    std::string wkt;
    if (const OGRSpatialReference* srs = ds.GetSpatialRef()) {
        char* text = nullptr;
        const char* options[] = {"FORMAT=WKT2_2018", nullptr};
        if (srs->exportToWkt(&text, options) == OGRERR_NONE && text)
            wkt = text;
        CPLFree(text);
    }
    EditableMask mask(ds.GetRasterXSize(), ds.GetRasterYSize(), tileSize, transform, std::move(wkt));
    mask.sourcePath_ = maskPath;
    mask.source_ = std::move(*dataset);
    spdlog::debug("editable mask: opened {} ({} x {}, {} x {} tiles)", maskPath.string(), mask.width_, mask.height_,
                  mask.tileColumns_, mask.tileRows_);
    return mask;
}

Result<EditableMask> EditableMask::blank(int width, int height,
                                         const std::optional<std::array<double, 6>>& geoTransform,
                                         const std::string& crsWkt, int tileSize)
{
    if (auto checked = checkTileSize(tileSize); !checked)
        return checked.error();
    if (width < 1 || height < 1)
        return Error(ErrorCode::InvalidArgument, "a mask needs at least one pixel")
            .withDetail(std::to_string(width) + " x " + std::to_string(height));
    return EditableMask(width, height, tileSize, geoTransform, crsWkt);
}

MaskPixelRect EditableMask::tileRect(int column, int row) const
{
    MaskPixelRect rect;
    rect.x = column * tileSize_;
    rect.y = row * tileSize_;
    rect.width = std::min(tileSize_, width_ - rect.x);
    rect.height = std::min(tileSize_, height_ - rect.y);
    return rect;
}

EditableMask::TileBytes EditableMask::readSourceTile(int column, int row)
{
    const MaskPixelRect rect = tileRect(column, row);
    TileBytes bytes(static_cast<std::size_t>(rect.width) * static_cast<std::size_t>(rect.height), 0);
    if (!source_)
        return bytes;
    GdalErrorCapture errors;
    if (source_->GetRasterBand(1)->RasterIO(GF_Read, rect.x, rect.y, rect.width, rect.height, bytes.data(), rect.width,
                                            rect.height, GDT_Byte, 0, 0, nullptr)
        != CE_None)
        throw Exception(readError(sourcePath_, column, row, errors.lastError()));
    ++tileLoads_;
    for (auto& value : bytes)
        value = value > 0 ? 1 : 0;
    return bytes;
}

const EditableMask::TileBytes& EditableMask::currentTile(int column, int row, bool cache)
{
    const std::size_t index = tileIndex(column, row);
    if (edited_[index])
        return *edited_[index];
    if (auto found = cache_.find(index); found != cache_.end()) {
        lru_.splice(lru_.begin(), lru_, found->second.position);
        return found->second.bytes;
    }
    if (!cache) {
        uncached_ = readSourceTile(column, row);
        return uncached_;
    }
    TileBytes bytes = readSourceTile(column, row);
    while (!lru_.empty() && cache_.size() >= cacheCapacity_) {
        cache_.erase(lru_.back());
        lru_.pop_back();
    }
    lru_.push_front(index);
    auto& entry = cache_[index];
    entry.bytes = std::move(bytes);
    entry.position = lru_.begin();
    return entry.bytes;
}

void EditableMask::storeEdited(int column, int row, TileBytes bytes)
{
    const std::size_t index = tileIndex(column, row);
    if (!edited_[index])
        ++editedCount_;
    edited_[index] = std::make_unique<TileBytes>(std::move(bytes));
    if (auto found = cache_.find(index); found != cache_.end()) {
        lru_.erase(found->second.position);
        cache_.erase(found);
    }
}

void EditableMask::dropEdited(int column, int row)
{
    auto& slot = edited_[tileIndex(column, row)];
    if (slot) {
        slot.reset();
        --editedCount_;
    }
}

void EditableMask::setCacheCapacity(std::size_t tiles)
{
    cacheCapacity_ = std::max<std::size_t>(1, tiles);
    while (cache_.size() > cacheCapacity_) {
        cache_.erase(lru_.back());
        lru_.pop_back();
    }
}

Result<std::uint8_t> EditableMask::value(int x, int y)
{
    if (x < 0 || y < 0 || x >= width_ || y >= height_)
        return std::uint8_t{0};
    return captureErrors([&]() -> std::uint8_t {
        const int column = x / tileSize_;
        const int row = y / tileSize_;
        const MaskPixelRect rect = tileRect(column, row);
        return currentTile(column, row)[static_cast<std::size_t>(y - rect.y) * static_cast<std::size_t>(rect.width)
                                        + static_cast<std::size_t>(x - rect.x)];
    });
}

Result<void> EditableMask::read(const MaskViewWindow& window, int outWidth, int outHeight, std::uint8_t* buffer)
{
    if (outWidth < 1 || outHeight < 1 || !buffer)
        return Error(ErrorCode::InvalidArgument, "a mask view needs a buffer of at least one pixel");
    if (!std::isfinite(window.x) || !std::isfinite(window.y) || !(window.width > 0) || !(window.height > 0)
        || !std::isfinite(window.width) || !std::isfinite(window.height))
        return Error(ErrorCode::InvalidArgument, "the mask view window must be finite and not empty");
    const double stepX = window.width / outWidth;
    const double stepY = window.height / outHeight;
    // Source pixel of each output column/row, -1 outside the raster; monotonic, so the valid ones
    // form one range.
    std::vector<int> columns(static_cast<std::size_t>(outWidth));
    std::vector<int> rows(static_cast<std::size_t>(outHeight));
    for (int i = 0; i < outWidth; ++i) {
        const double x = std::floor(window.x + (i + 0.5) * stepX);
        columns[static_cast<std::size_t>(i)] = (x >= 0 && x < width_) ? static_cast<int>(x) : -1;
    }
    for (int j = 0; j < outHeight; ++j) {
        const double y = std::floor(window.y + (j + 0.5) * stepY);
        rows[static_cast<std::size_t>(j)] = (y >= 0 && y < height_) ? static_cast<int>(y) : -1;
    }
    std::fill(buffer, buffer + static_cast<std::size_t>(outWidth) * static_cast<std::size_t>(outHeight), 0);
    const auto firstValid = [](const std::vector<int>& v) {
        return static_cast<int>(std::find_if(v.begin(), v.end(), [](int p) { return p >= 0; }) - v.begin());
    };
    const auto lastValid = [](const std::vector<int>& v) {
        return static_cast<int>(v.rend() - std::find_if(v.rbegin(), v.rend(), [](int p) { return p >= 0; })) - 1;
    };
    const int i0 = firstValid(columns);
    const int i1 = lastValid(columns);
    const int j0 = firstValid(rows);
    const int j1 = lastValid(rows);
    if (i0 > i1 || j0 > j1)
        return {};
    const std::size_t stride = static_cast<std::size_t>(outWidth);

    return captureErrors([&] {
        const bool zoomedOut = stepX > 2.0 || stepY > 2.0;
        if (!zoomedOut && source_) {
            // Full resolution or finer: sample the tiles, reusing the tile across runs of columns.
            for (int j = j0; j <= j1; ++j) {
                const int y = rows[static_cast<std::size_t>(j)];
                const int row = y / tileSize_;
                int column = -1;
                const TileBytes* tile = nullptr;
                MaskPixelRect rect{};
                for (int i = i0; i <= i1; ++i) {
                    const int x = columns[static_cast<std::size_t>(i)];
                    if (x / tileSize_ != column) {
                        column = x / tileSize_;
                        tile = &currentTile(column, row);
                        rect = tileRect(column, row);
                    }
                    buffer[static_cast<std::size_t>(j) * stride + static_cast<std::size_t>(i)] =
                        (*tile)[static_cast<std::size_t>(y - rect.y) * static_cast<std::size_t>(rect.width)
                                + static_cast<std::size_t>(x - rect.x)];
                }
            }
            return;
        }
        if (source_) {
            // Zoomed out: GDAL's nearest-neighbour read uses the file's overviews when there are any.
            const int x0 = columns[static_cast<std::size_t>(i0)];
            const int x1 = columns[static_cast<std::size_t>(i1)] + 1;
            const int y0 = rows[static_cast<std::size_t>(j0)];
            const int y1 = rows[static_cast<std::size_t>(j1)] + 1;
            GDALRasterIOExtraArg extra;
            INIT_RASTERIO_EXTRA_ARG(extra);
            extra.eResampleAlg = GRIORA_NearestNeighbour;
            GdalErrorCapture errors;
            if (source_->GetRasterBand(1)->RasterIO(GF_Read, x0, y0, x1 - x0, y1 - y0,
                                                    buffer + static_cast<std::size_t>(j0) * stride + i0, i1 - i0 + 1,
                                                    j1 - j0 + 1, GDT_Byte, 1, static_cast<GSpacing>(stride), &extra)
                != CE_None)
                throw Exception(Error(ErrorCode::Io, "cannot read the mask")
                                    .withFile(sourcePath_.string())
                                    .withDetail(errors.lastError()));
            for (int j = j0; j <= j1; ++j)
                for (int i = i0; i <= i1; ++i) {
                    auto& v = buffer[static_cast<std::size_t>(j) * stride + static_cast<std::size_t>(i)];
                    v = v > 0 ? 1 : 0;
                }
        }
        if (editedCount_ == 0)
            return;
        // Edited pixels come from memory (unedited ones of a blank mask are 0 already).
        for (int j = j0; j <= j1; ++j) {
            const int y = rows[static_cast<std::size_t>(j)];
            const int row = y / tileSize_;
            for (int i = i0; i <= i1; ++i) {
                const int x = columns[static_cast<std::size_t>(i)];
                const int column = x / tileSize_;
                const auto& tile = edited_[tileIndex(column, row)];
                if (!tile)
                    continue;
                const MaskPixelRect rect = tileRect(column, row);
                buffer[static_cast<std::size_t>(j) * stride + static_cast<std::size_t>(i)] =
                    (*tile)[static_cast<std::size_t>(y - rect.y) * static_cast<std::size_t>(rect.width)
                            + static_cast<std::size_t>(x - rect.x)];
            }
        }
    });
}

template <typename Paint>
MaskEdit EditableMask::applyToTiles(int x0, int y0, int x1, int y1, Paint&& paint)
{
    MaskEdit edit;
    x0 = std::max(x0, 0);
    y0 = std::max(y0, 0);
    x1 = std::min(x1, width_);
    y1 = std::min(y1, height_);
    if (x0 >= x1 || y0 >= y1)
        return edit;
    for (int row = y0 / tileSize_; row <= (y1 - 1) / tileSize_; ++row)
        for (int column = x0 / tileSize_; column <= (x1 - 1) / tileSize_; ++column) {
            const MaskPixelRect rect = tileRect(column, row);
            TileBytes before = currentTile(column, row); // a copy: the cache may move on
            TileBytes after = before;
            paint(rect, after);
            if (after == before)
                continue;
            MaskTileChange change;
            change.column = column;
            change.row = row;
            change.wasEdited = edited_[tileIndex(column, row)] != nullptr;
            change.before = encodeMaskTile(before);
            change.after = encodeMaskTile(after);
            storeEdited(column, row, std::move(after));
            edit.tiles.push_back(std::move(change));
        }
    return edit;
}

Result<MaskEdit> EditableMask::paintStroke(const std::vector<MaskPoint>& points, double radius, bool foreground)
{
    if (!std::isfinite(radius) || radius <= 0)
        return Error(ErrorCode::InvalidArgument, "the brush radius must be a positive number")
            .withDetail(std::to_string(radius));
    if (!allFinite(points))
        return Error(ErrorCode::InvalidArgument, "a brush stroke has a point that is not a finite number");
    if (points.empty())
        return MaskEdit{};
    double minX = points[0].x, maxX = points[0].x, minY = points[0].y, maxY = points[0].y;
    for (const auto& p : points) {
        minX = std::min(minX, p.x);
        maxX = std::max(maxX, p.x);
        minY = std::min(minY, p.y);
        maxY = std::max(maxY, p.y);
    }
    const std::uint8_t value = foreground ? 1 : 0;
    const double radius2 = radius * radius;
    return captureErrors([&] {
        return applyToTiles(
            clampToInt(std::floor(minX - radius), -1, width_), clampToInt(std::floor(minY - radius), -1, height_),
            clampToInt(std::floor(maxX + radius) + 1, -1, width_), clampToInt(std::floor(maxY + radius) + 1, -1, height_),
            [&](const MaskPixelRect& rect, TileBytes& bytes) {
                const std::size_t segments = points.size() == 1 ? 1 : points.size() - 1;
                for (std::size_t s = 0; s < segments; ++s) {
                    const MaskPoint& a = points[s];
                    const MaskPoint& b = points[std::min(s + 1, points.size() - 1)];
                    // Only the pixels of this tile near this segment.
                    const int x0 = std::max(rect.x, clampToInt(std::floor(std::min(a.x, b.x) - radius), -1, width_));
                    const int x1 = std::min(rect.x + rect.width,
                                            clampToInt(std::floor(std::max(a.x, b.x) + radius) + 1, -1, width_));
                    const int y0 = std::max(rect.y, clampToInt(std::floor(std::min(a.y, b.y) - radius), -1, height_));
                    const int y1 = std::min(rect.y + rect.height,
                                            clampToInt(std::floor(std::max(a.y, b.y) + radius) + 1, -1, height_));
                    for (int y = y0; y < y1; ++y)
                        for (int x = x0; x < x1; ++x)
                            if (squaredDistanceToSegment(x + 0.5, y + 0.5, a, b) <= radius2)
                                bytes[static_cast<std::size_t>(y - rect.y) * static_cast<std::size_t>(rect.width)
                                      + static_cast<std::size_t>(x - rect.x)] = value;
                }
            });
    });
}

Result<MaskEdit> EditableMask::fillPolygon(const std::vector<MaskPoint>& points, bool foreground)
{
    if (!allFinite(points))
        return Error(ErrorCode::InvalidArgument, "a polygon has a point that is not a finite number");
    if (points.size() < 3)
        return MaskEdit{};
    double minX = points[0].x, maxX = points[0].x, minY = points[0].y, maxY = points[0].y;
    for (const auto& p : points) {
        minX = std::min(minX, p.x);
        maxX = std::max(maxX, p.x);
        minY = std::min(minY, p.y);
        maxY = std::max(maxY, p.y);
    }
    const std::uint8_t value = foreground ? 1 : 0;
    return captureErrors([&] {
        std::vector<double> crossings;
        return applyToTiles(
            clampToInt(std::floor(minX), -1, width_), clampToInt(std::floor(minY), -1, height_),
            clampToInt(std::floor(maxX) + 1, -1, width_), clampToInt(std::floor(maxY) + 1, -1, height_),
            [&](const MaskPixelRect& rect, TileBytes& bytes) {
                // Scanline through pixel centres; even-odd spans [x_2k, x_2k+1) are inside.
                for (int y = rect.y; y < rect.y + rect.height; ++y) {
                    const double cy = y + 0.5;
                    crossings.clear();
                    for (std::size_t k = 0; k < points.size(); ++k) {
                        const MaskPoint& a = points[k];
                        const MaskPoint& b = points[(k + 1) % points.size()];
                        if ((a.y > cy) != (b.y > cy))
                            crossings.push_back(a.x + (cy - a.y) * (b.x - a.x) / (b.y - a.y));
                    }
                    std::sort(crossings.begin(), crossings.end());
                    for (std::size_t k = 0; k + 1 < crossings.size(); k += 2) {
                        const long long first = std::max<long long>(rect.x, firstCentreAtOrAfter(crossings[k]));
                        const long long end
                            = std::min<long long>(rect.x + rect.width, firstCentreAtOrAfter(crossings[k + 1]));
                        for (long long x = first; x < end; ++x)
                            bytes[static_cast<std::size_t>(y - rect.y) * static_cast<std::size_t>(rect.width)
                                  + static_cast<std::size_t>(x - rect.x)] = value;
                    }
                }
            });
    });
}

Result<MaskEdit> EditableMask::fillHole(double x, double y, const std::optional<MaskPixelRect>& limit)
{
    if (!std::isfinite(x) || !std::isfinite(y))
        return Error(ErrorCode::InvalidArgument, "the fill point is not a finite number");
    if (x < 0 || y < 0 || x >= width_ || y >= height_)
        return MaskEdit{};
    const int seedX = static_cast<int>(x);
    const int seedY = static_cast<int>(y);
    MaskPixelRect area = limit.value_or(MaskPixelRect{seedX - defaultFillHoleRadius, seedY - defaultFillHoleRadius,
                                                      2 * defaultFillHoleRadius, 2 * defaultFillHoleRadius});
    const long long ax0 = std::max<long long>(area.x, 0);
    const long long ay0 = std::max<long long>(area.y, 0);
    const long long ax1 = std::min<long long>(static_cast<long long>(area.x) + area.width, width_);
    const long long ay1 = std::min<long long>(static_cast<long long>(area.y) + area.height, height_);
    if (seedX < ax0 || seedX >= ax1 || seedY < ay0 || seedY >= ay1)
        return Error(ErrorCode::InvalidArgument, "the fill point is outside the area searched for the hole");
    const int lx = static_cast<int>(ax0);
    const int ly = static_cast<int>(ay0);
    const int w = static_cast<int>(ax1 - ax0);
    const int h = static_cast<int>(ay1 - ay0);

    return captureErrors([&]() -> MaskEdit {
        if (*value(seedX, seedY) != 0)
            return MaskEdit{};
        // The searched area, assembled from the tiles.
        cv::Mat image(h, w, CV_8U);
        for (int row = ly / tileSize_; row <= (ly + h - 1) / tileSize_; ++row)
            for (int column = lx / tileSize_; column <= (lx + w - 1) / tileSize_; ++column) {
                const MaskPixelRect rect = tileRect(column, row);
                const TileBytes& tile = currentTile(column, row);
                const int x0 = std::max(rect.x, lx), x1 = std::min(rect.x + rect.width, lx + w);
                const int y0 = std::max(rect.y, ly), y1 = std::min(rect.y + rect.height, ly + h);
                for (int yy = y0; yy < y1; ++yy)
                    std::copy_n(tile.data() + static_cast<std::size_t>(yy - rect.y) * rect.width + (x0 - rect.x),
                                x1 - x0, image.ptr<std::uint8_t>(yy - ly) + (x0 - lx));
            }
        cv::Mat region = cv::Mat::zeros(h + 2, w + 2, CV_8U);
        cv::Rect bounds;
        cv::floodFill(image, region, cv::Point(seedX - lx, seedY - ly), cv::Scalar(1), &bounds, cv::Scalar(0),
                      cv::Scalar(0), 4 | cv::FLOODFILL_MASK_ONLY | (1 << 8));
        const int bx0 = lx + bounds.x, by0 = ly + bounds.y;
        const int bx1 = bx0 + bounds.width, by1 = by0 + bounds.height;
        if (bx0 == 0 || by0 == 0 || bx1 == width_ || by1 == height_)
            throw Exception(Error(ErrorCode::InvalidArgument,
                                  "not a hole: the background region at the fill point reaches the mask's border")
                                .withDetail("at pixel " + std::to_string(seedX) + ", " + std::to_string(seedY)));
        if (bx0 == lx || by0 == ly || bx1 == lx + w || by1 == ly + h)
            throw Exception(
                Error(ErrorCode::InvalidArgument,
                      "the background region at the fill point is larger than the area searched for a hole")
                    .withDetail("searched " + std::to_string(w) + " x " + std::to_string(h) + " pixels at "
                                + std::to_string(lx) + ", " + std::to_string(ly)));
        return applyToTiles(bx0, by0, bx1, by1, [&](const MaskPixelRect& rect, TileBytes& bytes) {
            const int x0 = std::max(rect.x, bx0), x1 = std::min(rect.x + rect.width, bx1);
            const int y0 = std::max(rect.y, by0), y1 = std::min(rect.y + rect.height, by1);
            for (int yy = y0; yy < y1; ++yy) {
                const std::uint8_t* filled = region.ptr<std::uint8_t>(yy - ly + 1) + 1 - lx;
                for (int xx = x0; xx < x1; ++xx)
                    if (filled[xx])
                        bytes[static_cast<std::size_t>(yy - rect.y) * static_cast<std::size_t>(rect.width)
                              + static_cast<std::size_t>(xx - rect.x)] = 1;
            }
        });
    });
}

Result<void> EditableMask::restore(const MaskEdit& edit, bool after)
{
    // Decode everything first, so a bad record changes nothing.
    std::vector<TileBytes> decoded;
    decoded.reserve(edit.tiles.size());
    for (const auto& change : edit.tiles) {
        if (change.column < 0 || change.row < 0 || change.column >= tileColumns_ || change.row >= tileRows_)
            return Error(ErrorCode::InvalidData, "a mask edit names a tile outside this mask")
                .withTile(change.column, change.row);
        const MaskPixelRect rect = tileRect(change.column, change.row);
        auto bytes = decodeMaskTile(after ? change.after : change.before,
                                    static_cast<std::size_t>(rect.width) * static_cast<std::size_t>(rect.height));
        if (!bytes)
            return bytes.error().withTile(change.column, change.row);
        decoded.push_back(std::move(*bytes));
    }
    for (std::size_t k = 0; k < edit.tiles.size(); ++k) {
        const auto& change = edit.tiles[k];
        if (!after && !change.wasEdited)
            dropEdited(change.column, change.row); // back to the source's bytes, which never change
        else
            storeEdited(change.column, change.row, std::move(decoded[k]));
    }
    return {};
}

Result<void> EditableMask::undo(const MaskEdit& edit)
{
    return restore(edit, false);
}

Result<void> EditableMask::redo(const MaskEdit& edit)
{
    return restore(edit, true);
}

std::vector<std::pair<int, int>> EditableMask::editedTiles() const
{
    std::vector<std::pair<int, int>> tiles;
    tiles.reserve(editedCount_);
    for (int row = 0; row < tileRows_; ++row)
        for (int column = 0; column < tileColumns_; ++column)
            if (edited_[tileIndex(column, row)])
                tiles.emplace_back(column, row);
    return tiles;
}

Result<std::vector<std::uint8_t>> EditableMask::tile(int column, int row)
{
    if (column < 0 || row < 0 || column >= tileColumns_ || row >= tileRows_)
        return Error(ErrorCode::InvalidArgument, "no such mask tile").withTile(column, row);
    return captureErrors([&] { return currentTile(column, row); });
}

Result<void> EditableMask::setTile(int column, int row, const std::vector<std::uint8_t>& pixels)
{
    if (column < 0 || row < 0 || column >= tileColumns_ || row >= tileRows_)
        return Error(ErrorCode::InvalidArgument, "no such mask tile").withTile(column, row);
    const MaskPixelRect rect = tileRect(column, row);
    const std::size_t expected = static_cast<std::size_t>(rect.width) * static_cast<std::size_t>(rect.height);
    if (pixels.size() != expected)
        return Error(ErrorCode::InvalidArgument, "mask tile bytes of the wrong size")
            .withTile(column, row)
            .withDetail(std::to_string(pixels.size()) + " bytes, " + std::to_string(expected) + " expected");
    TileBytes bytes(pixels);
    for (auto& v : bytes)
        v = v > 0 ? 1 : 0;
    storeEdited(column, row, std::move(bytes));
    return {};
}

Result<void> EditableMask::save(const std::filesystem::path& target, ProgressFeedback& feedback)
{
    ensureGdalInitialised();
    auto output = AtomicFile::create(target);
    if (!output)
        return output.error();
    const auto failure = [&](ErrorCode code, const std::string& what, const std::string& detail) {
        return Error(code, what).withFile(target.string()).withDetail(detail);
    };

    GdalErrorCapture errors;
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GTiff");
    if (!driver)
        return failure(ErrorCode::Unsupported, "cannot save the mask", "GDAL has no GTiff driver");
    CPLStringList creation;
    creation.SetNameValue("TILED", "YES");
    creation.SetNameValue("BLOCKXSIZE", std::to_string(tileSize_).c_str());
    creation.SetNameValue("BLOCKYSIZE", std::to_string(tileSize_).c_str());
    creation.SetNameValue("COMPRESS", "DEFLATE");
    creation.SetNameValue("BIGTIFF", "IF_SAFER");
    std::filesystem::remove(output->temporaryPath()); // GDAL creates the file itself
    GdalDatasetPtr dataset(
        driver->Create(output->temporaryPath().c_str(), width_, height_, 1, GDT_Byte, creation.List()));
    if (!dataset)
        return failure(ErrorCode::Io, "cannot create the mask file", errors.lastError());
    if (geoTransform_) {
        std::array<double, 6> transform = *geoTransform_;
        dataset->SetGeoTransform(transform.data());
    }
    if (!crsWkt_.empty()) {
        OGRSpatialReference srs;
        if (srs.importFromWkt(crsWkt_.c_str()) == OGRERR_NONE)
            dataset->SetSpatialRef(&srs);
    }
    GDALRasterBand* band = dataset->GetRasterBand(1);
    band->SetDescription("mask");

    const double tilesTotal = static_cast<double>(tileColumns_) * tileRows_;
    std::size_t written = 0;
    TileBytes buffer;
    for (int row = 0; row < tileRows_; ++row)
        for (int column = 0; column < tileColumns_; ++column) {
            if (feedback.isCancelled())
                return Error(ErrorCode::Cancelled, "saving the mask was cancelled").withFile(target.string());
            const MaskPixelRect rect = tileRect(column, row);
            auto bytes = captureErrors([&] { buffer = currentTile(column, row, false); });
            if (!bytes)
                return bytes.error();
            if (band->RasterIO(GF_Write, rect.x, rect.y, rect.width, rect.height, buffer.data(), rect.width,
                               rect.height, GDT_Byte, 0, 0, nullptr)
                != CE_None)
                return failure(ErrorCode::Io, "cannot write the mask", errors.lastError());
            ++written;
            feedback.setProgress(0.8 * static_cast<double>(written) / tilesTotal, "saving the mask");
        }

    // Overviews (nearest: a mask stays 0/1) down to about one tile, for zoomed-out views of the file.
    std::vector<int> levels;
    for (int level = 2; std::max(width_, height_) / (level / 2) > tileSize_; level *= 2)
        levels.push_back(level);
    if (!levels.empty()) {
        ProgressRange range(feedback, 0.8, 1.0);
        if (dataset->BuildOverviews("NEAREST", static_cast<int>(levels.size()), levels.data(), 0, nullptr,
                                    gdalProgress, &range)
            != CE_None) {
            if (feedback.isCancelled())
                return Error(ErrorCode::Cancelled, "saving the mask was cancelled").withFile(target.string());
            return failure(ErrorCode::Io, "cannot build the mask's overviews", errors.lastError());
        }
    }
    dataset->FlushCache();
    if (!errors.lastError().empty())
        return failure(ErrorCode::Io, "cannot write the mask", errors.lastError());
    dataset.reset();
    if (!errors.lastError().empty())
        return failure(ErrorCode::Io, "cannot write the mask", errors.lastError());
    if (feedback.isCancelled())
        return Error(ErrorCode::Cancelled, "saving the mask was cancelled").withFile(target.string());
    if (auto committed = output->commit(); !committed)
        return committed.error();
    feedback.setProgress(1.0, "mask saved");
    spdlog::debug("editable mask: saved {} ({} edited tiles)", target.string(), editedCount_);
    return {};
}

} // namespace refermap::geo
