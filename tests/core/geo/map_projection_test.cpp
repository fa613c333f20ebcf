// Pixel <-> map <-> lon/lat for the map canvas's status bar and grids, against points whose
// coordinates are known by construction of the projections (map_projection_parity_test compares
// with gdaltransform).
#include "geo/map_projection.h"

#include "geo/gdal_environment.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <string>

namespace refermap::geo {
namespace {

class MapProjectionTest : public ::testing::Test {
protected:
    void SetUp() override { ensureGdalInitialised(); }
};

TEST_F(MapProjectionTest, KnownPointsOfTheProjections)
{
    const std::array<double, 6> identity {0.0, 1.0, 0.0, 0.0, 0.0, 1.0};
    // UTM 18N: the central meridian is 75° W; (500000, 0) is on it at the equator.
    auto utm = MapProjection::create(identity, "EPSG:32618");
    ASSERT_TRUE(utm) << utm.error().message();
    EXPECT_EQ(utm->epsg(), 32618);
    auto onMeridian = utm->mapToLonLat(500000.0, 0.0);
    ASSERT_TRUE(onMeridian);
    EXPECT_NEAR(onMeridian->lon, -75.0, 1e-9);
    EXPECT_NEAR(onMeridian->lat, 0.0, 1e-9);
    // Web Mercator: the origin is (0, 0) and x = π·R is the antimeridian.
    auto mercator = MapProjection::create(identity, "EPSG:3857");
    ASSERT_TRUE(mercator);
    auto origin = mercator->mapToLonLat(0.0, 0.0);
    ASSERT_TRUE(origin);
    EXPECT_NEAR(origin->lon, 0.0, 1e-12);
    EXPECT_NEAR(origin->lat, 0.0, 1e-12);
    auto east = mercator->mapToLonLat(20037508.342789244, 0.0);
    ASSERT_TRUE(east);
    EXPECT_NEAR(east->lon, 180.0, 1e-9);
    // Geographic: longitude first (traditional GIS order), unchanged.
    auto geographic = MapProjection::create({-115.3, 0.001, 0.0, 36.2, 0.0, -0.001}, "EPSG:4326");
    ASSERT_TRUE(geographic);
    auto point = geographic->pixelToLonLat(100.0, 200.0);
    ASSERT_TRUE(point);
    EXPECT_NEAR(point->lon, -115.2, 1e-12);
    EXPECT_NEAR(point->lat, 36.0, 1e-12);
}

TEST_F(MapProjectionTest, PixelAndMapRoundTripWithRotation)
{
    auto projection = MapProjection::create({1000.0, 2.0, 0.5, 5000.0, 0.25, -3.0}, {});
    ASSERT_TRUE(projection);
    EXPECT_FALSE(projection->hasCrs());
    const MapPoint map = projection->pixelToMap(10.0, 20.0);
    EXPECT_DOUBLE_EQ(map.x, 1000.0 + 20.0 + 10.0);
    EXPECT_DOUBLE_EQ(map.y, 5000.0 + 2.5 - 60.0);
    const MapPoint pixel = projection->mapToPixel(map.x, map.y);
    EXPECT_NEAR(pixel.x, 10.0, 1e-9);
    EXPECT_NEAR(pixel.y, 20.0, 1e-9);
    auto noCrs = projection->mapToLonLat(0.0, 0.0);
    ASSERT_FALSE(noCrs);
    EXPECT_EQ(noCrs.error().code(), ErrorCode::Unsupported);
    EXPECT_FALSE(MapProjection::create({0.0, 0.0, 0.0, 0.0, 0.0, 0.0}, {}));
    EXPECT_FALSE(MapProjection::create({0.0, 1.0, 0.0, 0.0, 0.0, 1.0}, "not a CRS"));
}

} // namespace
} // namespace refermap::geo
