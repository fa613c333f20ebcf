// mapToLonLat against GDAL's own command-line tool gdaltransform (run here, not recorded), on the
// real rasters' corners and an inner point: same PROJ pipeline expected, so agreement to 1e-7°.
#include "geo/raster_view_renderer.h"

#include "geo/gdal_environment.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <memory>
#include <sstream>
#include <string>

namespace refermap::geo {
namespace {

std::string real(const std::string& name)
{
    return std::string(TEST_DATA_DIR) + "/real/" + name;
}

class MapProjectionTest : public ::testing::Test {
protected:
    void SetUp() override { ensureGdalInitialised(); }
};

// gdaltransform's answer for `pixel` of `raster` (pixel coordinates in, lon/lat out).
std::array<double, 2> gdaltransform(const std::string& raster, double pixelX, double pixelY)
{
    const std::string command = "echo '" + std::to_string(pixelX) + " " + std::to_string(pixelY)
        + "' | gdaltransform -output_xy -t_srs EPSG:4326 '" + raster + "'";
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
    std::array<double, 2> result {std::nan(""), std::nan("")};
    if (!pipe)
        return result;
    char line[256] = {};
    if (std::fgets(line, sizeof line, pipe.get()))
        std::istringstream(line) >> result[0] >> result[1];
    return result;
}

TEST_F(MapProjectionTest, ParityWithGdaltransformOnRealRasters)
{
    for (const char* name : {"RGB.byte.tif", "cogeo.tif", "L7_ETMs.tif", "test_tiled.tif", "road_mask_input.tif",
             "m_4709963_se_14_1_20200831.tif"}) {
        SCOPED_TRACE(name);
        auto renderer = RasterViewRenderer::open(real(name));
        ASSERT_TRUE(renderer) << renderer.error().message();
        for (const std::array<double, 2> pixel : {std::array<double, 2> {0.0, 0.0},
                 {double(renderer->width()), double(renderer->height())}, {123.5, 45.25}}) {
            const auto expected = gdaltransform(real(name), pixel[0], pixel[1]);
            ASSERT_TRUE(std::isfinite(expected[0]) && std::isfinite(expected[1])) << "gdaltransform gave no answer";
            const MapPoint map = renderer->pixelToMap(pixel[0], pixel[1]);
            auto lonLat = renderer->mapToLonLat(map.x, map.y);
            ASSERT_TRUE(lonLat) << lonLat.error().message();
            EXPECT_NEAR(lonLat->lon, expected[0], 1e-7);
            EXPECT_NEAR(lonLat->lat, expected[1], 1e-7);
        }
    }
}

} // namespace
} // namespace refermap::geo
