#pragma once

#include "common/result.h"
#include "geo/gdal_dataset.h"
#include "geo/percentile_stretch.h"

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace refermap::geo {

struct RasterSourceOptions {
    // 1-based band indices: one (grey, replicated to three channels) or three (R, G, B). Empty:
    // automatic, see RasterSource::open().
    std::vector<int> bands;
    StretchOptions stretch;
    // Ground units (of the raster's CRS) per pixel to resample to, through an in-memory GDAL VRT
    // (average when shrinking, bilinear when enlarging). Only for georeferenced, north-up rasters.
    std::optional<double> targetGsd;
};

// A window of a RasterSource, ready for a model: planar RGB floats in [0, 1] after the global
// stretch, and a validity mask. Pixels outside the raster, nodata, masked or alpha 0 are invalid
// and read as 0 in every channel.
struct RasterWindow {
    int x = 0; // the window as requested, in raster pixels (may extend past the raster)
    int y = 0;
    int width = 0;
    int height = 0;
    std::vector<float> pixels; // 3 × height × width: all of R, then G, then B; row-major
    std::vector<std::uint8_t> valid; // height × width: 1 valid, 0 invalid

    float at(int channel, int row, int column) const
    {
        return pixels[(static_cast<std::size_t>(channel) * static_cast<std::size_t>(height)
                          + static_cast<std::size_t>(row))
                * static_cast<std::size_t>(width)
            + static_cast<std::size_t>(column)];
    }
    bool isValid(int row, int column) const
    {
        return valid[static_cast<std::size_t>(row) * static_cast<std::size_t>(width) + static_cast<std::size_t>(column)]
            != 0;
    }
};

// Streams RGB windows of a raster with one global percentile stretch (computed once, at open), so
// every window of the same pixels gives the same values whatever the window. Reads only the
// requested window (GDAL RasterIO); memory does not grow with the raster.
// Owns its GDAL handles; use from one thread at a time, and reopen() for another thread.
class RasterSource {
public:
    // Opens `path` and computes the stretch (a bounded sample, see PercentileStretch). Bands when
    // options.bands is empty: the bands whose colour interpretation is Red, Green and Blue if all
    // three exist; else one or two bands → band 1 as grey; exactly three → bands 1, 2, 3; more →
    // InvalidArgument listing every band (index, type, colour interpretation) so the user can
    // choose. Errors name the file and, where one is at fault, the band: not a raster, bad band
    // list, unsupported data type (only Byte, UInt16, Int16, Float32), no valid pixel at all,
    // targetGsd on a raster without georeferencing.
    static Result<RasterSource> open(const std::filesystem::path& path, const RasterSourceOptions& options = {});

    RasterSource(RasterSource&&) noexcept = default;
    RasterSource& operator=(RasterSource&& other) noexcept; // closes the resampling VRT before its file
    RasterSource(const RasterSource&) = delete;
    RasterSource& operator=(const RasterSource&) = delete;
    ~RasterSource() = default;

    // An independent handle on the same file with the same bands and the SAME stretch (nothing is
    // recomputed), e.g. for a prefetch thread. Fails if the file cannot be opened again or changed size.
    Result<RasterSource> reopen() const;

    // Reads the window [x, x + width) × [y, y + height); any position, partly or wholly outside the
    // raster (padded invalid). width and height must be positive and the window at most 2^28 pixels.
    Result<RasterWindow> readWindow(int x, int y, int width, int height);

    // Whether the window holds at least one valid pixel, from the GDAL masks only (nodata, mask,
    // alpha; NaN values without a nodata value are not detected here). Cheap for skipping empty tiles.
    Result<bool> windowHasValidPixels(int x, int y, int width, int height);

    // Size and georeferencing of the pixels readWindow() addresses (after targetGsd resampling).
    int width() const { return width_; }
    int height() const { return height_; }
    // GDAL order; the identity (0, 1, 0, 0, 0, 1) when the raster is not georeferenced.
    const std::array<double, 6>& geoTransform() const { return geoTransform_; }
    bool georeferenced() const { return georeferenced_; }
    const std::string& crsWkt() const { return crsWkt_; } // WKT2 2019; empty when there is no CRS
    // Size of the file's own pixels (differs from width()/height() only with targetGsd).
    int fileWidth() const { return fileWidth_; }
    int fileHeight() const { return fileHeight_; }

    // The file's bands in channel order: one (grey) or three (R, G, B).
    const std::vector<int>& bandIndices() const { return bands_; }
    bool grey() const { return bands_.size() == 1; }
    const PercentileStretch& stretch() const { return stretch_; }
    const std::filesystem::path& path() const { return path_; }
    const RasterSourceOptions& options() const { return options_; }

private:
    RasterSource() = default;
    // Opens the file (and the resampling VRT) into this object; the band choice and stretch are the caller's.
    Result<void> openHandles();
    GDALDataset& dataset() const { return view_ ? *view_ : *file_; }

    std::filesystem::path path_;
    RasterSourceOptions options_;
    GdalDatasetPtr file_;
    GdalDatasetPtr view_; // the resampling VRT on file_, or null; declared after file_ so it closes first
    int width_ = 0;
    int height_ = 0;
    int fileWidth_ = 0;
    int fileHeight_ = 0;
    std::array<double, 6> geoTransform_ {0.0, 1.0, 0.0, 0.0, 0.0, 1.0};
    bool georeferenced_ = false;
    std::string crsWkt_;
    std::vector<int> bands_;
    PercentileStretch stretch_;
};

} // namespace refermap::geo
