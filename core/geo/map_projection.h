#pragma once

#include "common/result.h"

#include <array>
#include <memory>
#include <optional>
#include <string>

class OGRCoordinateTransformation;

namespace refermap::geo {

struct MapPoint {
    double x = 0.0;
    double y = 0.0;
};

// Longitude/latitude in degrees on WGS 84 (EPSG:4326), in the traditional GIS order: x = longitude.
struct LonLat {
    double lon = 0.0;
    double lat = 0.0;
};

// The georeferencing of a raster for the map canvas: pixel <-> map coordinates through the affine
// geotransform, and map -> WGS 84 lon/lat through PROJ (OGRCoordinateTransformation), e.g. for the
// status bar. Pixel coordinates are continuous: (0, 0) is the top-left corner of the first pixel,
// (0.5, 0.5) its centre, as in GDAL.
// Holds a PROJ transformation, which is not thread-safe: one object per thread (clone() for another).
class MapProjection {
public:
    // `geoTransform` in GDAL order; `crsWkt` any CRS definition OGR accepts (WKT, "EPSG:n"), empty
    // when the raster has none (then mapToLonLat() fails). Fails (InvalidArgument) on a
    // non-invertible geotransform or a CRS definition OGR rejects.
    static Result<MapProjection> create(const std::array<double, 6>& geoTransform, const std::string& crsWkt);

    MapProjection(MapProjection&&) noexcept;
    MapProjection& operator=(MapProjection&&) noexcept;
    ~MapProjection();

    // A new object with its own PROJ transformation, for another thread.
    Result<MapProjection> clone() const;

    MapPoint pixelToMap(double pixelX, double pixelY) const;
    MapPoint mapToPixel(double mapX, double mapY) const;
    // Fails (Unsupported) without a CRS, (InvalidData) when the point cannot be transformed.
    Result<LonLat> mapToLonLat(double mapX, double mapY) const;
    Result<LonLat> pixelToLonLat(double pixelX, double pixelY) const;

    const std::array<double, 6>& geoTransform() const { return geoTransform_; }
    const std::string& crsWkt() const { return crsWkt_; }
    bool hasCrs() const { return toLonLat_ != nullptr; }
    std::optional<int> epsg() const { return epsg_; } // the CRS's EPSG code when it has one

private:
    struct TransformDeleter {
        void operator()(OGRCoordinateTransformation* transformation) const noexcept;
    };

    MapProjection() = default;

    std::array<double, 6> geoTransform_ {0.0, 1.0, 0.0, 0.0, 0.0, 1.0};
    std::array<double, 6> inverse_ {0.0, 1.0, 0.0, 0.0, 0.0, 1.0};
    std::string crsWkt_;
    std::optional<int> epsg_;
    std::unique_ptr<OGRCoordinateTransformation, TransformDeleter> toLonLat_;
};

} // namespace refermap::geo
