#pragma once

#include "common/result.h"
#include "geo/gdal_dataset.h"
#include "geo/map_projection.h"
#include "geo/percentile_stretch.h"

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace refermap::geo {

enum class ViewResampling {
    Nearest, // blocky, exact pixel values
    Bilinear, // smooth
    Average, // mean of the source pixels under each output pixel (nodata/masked ones excluded)
};

struct RasterViewOptions {
    // 1-based display bands: one (grey) or three (R, G, B). Empty: the bands whose colour
    // interpretation is Red, Green and Blue if all three exist, else bands 1, 2, 3 when there are at
    // least three, else band 1 as grey. (Unlike RasterSource, more than three unmarked bands is not
    // an error here: the first three are shown.)
    std::vector<int> bands;
    // Passed unchanged to PercentileStretch::compute, as RasterSource does, so the display shows the
    // same values the model sees for the same bands and options.
    StretchOptions stretch;
    // A stretch already computed (e.g. RasterSource::stretch() of the query pipeline): used as is,
    // nothing is sampled. Must have one entry per display band.
    std::optional<PercentileStretch> precomputedStretch;
    // A probability heat map: band 1 holds probabilities as bytes (0..255 = 0..1, as the query's
    // probability raster) and is drawn through a colour ramp (blue, cyan, yellow, red) without any
    // stretch; 0 is transparent and the opacity rises with the probability. `bands` is ignored.
    bool heatMap = false;
    // When the output pixel covers more than one source pixel (zoomed out).
    ViewResampling zoomedOut = ViewResampling::Average;
    // When the output pixel covers one source pixel or less (1:1 or zoomed in).
    ViewResampling zoomedIn = ViewResampling::Nearest;
};

// A rectangle of the raster in continuous pixel coordinates ((0, 0) = top-left corner of the first
// pixel). May extend beyond the raster.
struct PixelWindow {
    double x = 0.0;
    double y = 0.0;
    double width = 0.0;
    double height = 0.0;
};

// Counters for checking which data a render touched (tests, benchmarks, logs).
struct RenderStatistics {
    int overviewLevel = -1; // GDAL overview the renderer expects GDAL to read (-1: full resolution)
    std::int64_t sourcePixels = 0; // pixels of the chosen level under the window, per band
};

// Renders RGBA8 images of any window of a raster at any zoom for the map canvas, without Qt.
// The stretch is the global percentile stretch of the query pipeline (PercentileStretch, computed
// once at open, same band choice rules and options as RasterSource), so what the user sees is what
// the model sees. Reads only the window, through GDAL RasterIO with the output size, so GDAL reads
// the overview matching the zoom (never the full resolution when zoomed out on a raster with
// overviews). Pixels outside the raster, nodata, masked (per-dataset mask) or alpha 0 get alpha 0;
// with AVERAGE/BILINEAR the alpha of edge pixels is the resampled mask (partly transparent).
//
// Threads: one renderer owns one GDAL dataset handle, which is not thread-safe. Use a renderer from
// one thread at a time; give each worker thread its own clone() (same bands, same stretch, its own
// handle; nothing is recomputed).
class RasterViewRenderer {
public:
    // Opens `path`, chooses the bands and computes (or takes) the stretch. Errors name the file and,
    // where one is at fault, the band: not a raster, bad band list, unsupported data type (Byte,
    // UInt16, Int16, Float32), no valid pixel, a precomputed stretch of the wrong size.
    static Result<RasterViewRenderer> open(const std::filesystem::path& path, const RasterViewOptions& options = {});

    RasterViewRenderer(RasterViewRenderer&&) noexcept = default;
    RasterViewRenderer& operator=(RasterViewRenderer&&) noexcept = default;
    RasterViewRenderer(const RasterViewRenderer&) = delete;
    RasterViewRenderer& operator=(const RasterViewRenderer&) = delete;
    ~RasterViewRenderer() = default;

    // An independent renderer on the same file (its own GDAL handle and PROJ transformation) with the
    // same bands and stretch, for another thread. Sees overviews built since open(). Fails if the
    // file cannot be opened again or changed size or band count.
    Result<RasterViewRenderer> clone() const;
    // Reopens the file in place (e.g. after OverviewBuilder built a .ovr), keeping bands and stretch.
    Result<void> reopen();

    // Draws `window` into an outWidth × outHeight RGBA8 image (R, G, B, A bytes per pixel, not
    // premultiplied; rows `strideBytes` apart, strideBytes ≥ 4 · outWidth). Every output pixel is
    // written. Output pixel (i, j) shows the raster around window.x + (i + 0.5) · window.width /
    // outWidth (same for y); pixels whose centre falls outside the raster are transparent black.
    // Fails (InvalidArgument) on a non-positive or non-finite window or output size, or an output over
    // 2^26 pixels; (Io, naming file and band) when GDAL cannot read.
    Result<void> render(const PixelWindow& window, int outWidth, int outHeight, std::uint8_t* rgba,
        std::size_t strideBytes, RenderStatistics* statistics = nullptr);

    // The same into a new tightly packed buffer (stride 4 · outWidth).
    Result<std::vector<std::uint8_t>> render(
        const PixelWindow& window, int outWidth, int outHeight, RenderStatistics* statistics = nullptr);

    int width() const { return width_; }
    int height() const { return height_; }
    int bandCount() const { return bandCount_; } // all bands of the file
    const std::vector<int>& displayBands() const { return bands_; }
    bool grey() const { return bands_.size() == 1; }
    const PercentileStretch& stretch() const { return stretch_; }
    // GDAL order; identity when not georeferenced.
    const std::array<double, 6>& geoTransform() const { return projection_.geoTransform(); }
    bool georeferenced() const { return georeferenced_; }
    const std::string& crsWkt() const { return projection_.crsWkt(); } // WKT2 2019, empty without CRS
    std::optional<int> epsg() const { return projection_.epsg(); }
    const MapProjection& projection() const { return projection_; }
    bool hasOverviews() const { return !overviewSizes_.empty(); }
    int overviewCount() const { return static_cast<int>(overviewSizes_.size()); }
    // Sizes of the overview levels of the first display band, largest first.
    const std::vector<std::array<int, 2>>& overviewSizes() const { return overviewSizes_; }
    const std::filesystem::path& path() const { return path_; }

    MapPoint pixelToMap(double pixelX, double pixelY) const { return projection_.pixelToMap(pixelX, pixelY); }
    MapPoint mapToPixel(double mapX, double mapY) const { return projection_.mapToPixel(mapX, mapY); }
    Result<LonLat> mapToLonLat(double mapX, double mapY) const { return projection_.mapToLonLat(mapX, mapY); }

    // The overview level GDAL reads for a window of `sourceWidth` × `sourceHeight` full-resolution
    // pixels drawn at `outWidth` × `outHeight` (-1: full resolution). Mirrors GDAL's choice: the
    // most reduced level at most 1.2 times coarser than the output (GDAL 3.6; so a window shrunk 3.5x
    // is read from the 4x level).
    int overviewLevelFor(double sourceWidth, double sourceHeight, int outWidth, int outHeight) const;

private:
    RasterViewRenderer()
        : projection_(MapProjection::create({0.0, 1.0, 0.0, 0.0, 0.0, 1.0}, {}).value())
    { }
    Result<void> openHandle(); // opens dataset_ and reads size, georeferencing and overviews

    std::filesystem::path path_;
    RasterViewOptions options_;
    GdalDatasetPtr dataset_;
    int width_ = 0;
    int height_ = 0;
    int bandCount_ = 0;
    bool georeferenced_ = false;
    MapProjection projection_;
    std::vector<std::array<int, 2>> overviewSizes_;
    std::vector<int> bands_;
    PercentileStretch stretch_;
};

} // namespace refermap::geo
