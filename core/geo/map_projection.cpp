#include "geo/map_projection.h"

#include "geo/gdal_error_capture.h"

#include <gdal.h>
#include <ogr_spatialref.h>

#include <cmath>
#include <cstdlib>

namespace refermap::geo {

void MapProjection::TransformDeleter::operator()(OGRCoordinateTransformation* transformation) const noexcept
{
    OGRCoordinateTransformation::DestroyCT(transformation);
}

MapProjection::MapProjection(MapProjection&&) noexcept = default;
MapProjection& MapProjection::operator=(MapProjection&&) noexcept = default;
MapProjection::~MapProjection() = default;

Result<MapProjection> MapProjection::create(const std::array<double, 6>& geoTransform, const std::string& crsWkt)
{
    MapProjection projection;
    projection.geoTransform_ = geoTransform;
    projection.crsWkt_ = crsWkt;
    if (!GDALInvGeoTransform(const_cast<double*>(geoTransform.data()), projection.inverse_.data()))
        return Error(ErrorCode::InvalidArgument, "the geotransform cannot be inverted")
            .withDetail(std::to_string(geoTransform[0]) + ", " + std::to_string(geoTransform[1]) + ", "
                + std::to_string(geoTransform[2]) + ", " + std::to_string(geoTransform[3]) + ", "
                + std::to_string(geoTransform[4]) + ", " + std::to_string(geoTransform[5]));
    if (crsWkt.empty())
        return projection;

    GdalErrorCapture errors;
    OGRSpatialReference source;
    if (source.SetFromUserInput(crsWkt.c_str()) != OGRERR_NONE)
        return Error(ErrorCode::InvalidArgument, "the coordinate reference system is not understood")
            .withDetail(errors.lastError());
    // Traditional GIS order on both sides: map x/y as in the geotransform, x = longitude on output.
    source.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    if (const char* authority = source.GetAuthorityName(nullptr);
        authority && std::string(authority) == "EPSG" && source.GetAuthorityCode(nullptr))
        projection.epsg_ = std::atoi(source.GetAuthorityCode(nullptr));
    else if (source.AutoIdentifyEPSG() == OGRERR_NONE && source.GetAuthorityCode(nullptr))
        projection.epsg_ = std::atoi(source.GetAuthorityCode(nullptr));
    OGRSpatialReference wgs84;
    wgs84.importFromEPSG(4326);
    wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    projection.toLonLat_.reset(OGRCreateCoordinateTransformation(&source, &wgs84));
    if (!projection.toLonLat_)
        return Error(ErrorCode::Unsupported, "no transformation from the raster's CRS to WGS 84 longitude/latitude")
            .withDetail(errors.lastError());
    return projection;
}

Result<MapProjection> MapProjection::clone() const
{
    return create(geoTransform_, crsWkt_);
}

MapPoint MapProjection::pixelToMap(double pixelX, double pixelY) const
{
    const auto& g = geoTransform_;
    return {g[0] + pixelX * g[1] + pixelY * g[2], g[3] + pixelX * g[4] + pixelY * g[5]};
}

MapPoint MapProjection::mapToPixel(double mapX, double mapY) const
{
    const auto& g = inverse_;
    return {g[0] + mapX * g[1] + mapY * g[2], g[3] + mapX * g[4] + mapY * g[5]};
}

Result<LonLat> MapProjection::mapToLonLat(double mapX, double mapY) const
{
    if (!toLonLat_)
        return Error(ErrorCode::Unsupported, "the raster has no coordinate reference system");
    double x = mapX;
    double y = mapY;
    GdalErrorCapture errors;
    if (!toLonLat_->Transform(1, &x, &y) || !std::isfinite(x) || !std::isfinite(y))
        return Error(ErrorCode::InvalidData, "the point cannot be transformed to longitude/latitude")
            .withDetail("map " + std::to_string(mapX) + ", " + std::to_string(mapY)
                + (errors.lastError().empty() ? std::string() : ": " + errors.lastError()));
    return LonLat {x, y};
}

Result<LonLat> MapProjection::pixelToLonLat(double pixelX, double pixelY) const
{
    const MapPoint point = pixelToMap(pixelX, pixelY);
    return mapToLonLat(point.x, point.y);
}

} // namespace refermap::geo
