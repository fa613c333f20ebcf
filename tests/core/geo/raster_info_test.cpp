// Facts of every real raster in ../shared/data/real, as SOURCES.md lists them (read there with
// GDAL 3.6.2), and the errors for inputs that are not readable rasters.
#include "geo/raster_info.h"

#include "support/temporary_folder.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>

namespace refermap::geo {
namespace {

namespace fs = std::filesystem;

const fs::path realData = fs::path(TEST_DATA_DIR) / "real";

struct Expected {
    const char* file;
    int width;
    int height;
    int epsg;
    int bands;
    const char* dataType;
    std::optional<double> nodata;
    const char* firstColour;   // band 1's colour interpretation
    int overviews;
    const char* maskFlag;      // band 1's mask kind
    double pixelSize;          // metres per pixel in the CRS's unit (0: geographic, not checked)
    bool geographic;
};

const Expected expectations[] = {
    {"RGB.byte.tif", 791, 718, 32618, 3, "Byte", 0.0, "Red", 0, "NODATA", 300.0, false},
    {"cogeo.tif", 1024, 1024, 3857, 3, "Byte", std::nullopt, "Red", 6, "PER_DATASET", 0.6, false},
    {"L7_ETMs.tif", 349, 352, 31985, 6, "Byte", std::nullopt, "Gray", 4, "ALL_VALID", 28.5, false},
    {"rgb16.tif", 438, 500, 32620, 3, "UInt16", std::nullopt, "Red", 0, "ALL_VALID", 60.0, false},
    {"m_4709963_se_14_1_20200831.tif", 934, 723, 26914, 4, "Byte", 0.0, "Gray", 1, "NODATA", 5.0, false},
    {"OSBS_029.tif", 400, 400, 32617, 3, "Byte", 255.0, "Red", 0, "NODATA", 0.1, false},
    {"test_tiled.tif", 1000, 1000, 28992, 3, "Byte", std::nullopt, "Red", 0, "ALL_VALID", 0.25, false},
    {"road_mask_input.tif", 1300, 1300, 4326, 1, "UInt16", std::nullopt, "Gray", 0, "ALL_VALID", 0.0, true},
    {"sample_road_raster_mask.tif", 1300, 1300, 4326, 1, "Byte", std::nullopt, "Gray", 0, "ALL_VALID", 0.0, true},
};

// Names the case in test listings instead of dumping its bytes.
void PrintTo(const Expected& expected, std::ostream* out)
{
    *out << expected.file;
}

class RealRasterInfoTest : public ::testing::TestWithParam<Expected> {};

TEST_P(RealRasterInfoTest, MatchesTheFactsGdalReports)
{
    const Expected& expected = GetParam();
    auto info = readRasterInfo(realData / expected.file);
    ASSERT_TRUE(info) << info.error().message();
    EXPECT_EQ(info->driver, "GTiff");
    EXPECT_EQ(info->width, expected.width);
    EXPECT_EQ(info->height, expected.height);
    ASSERT_TRUE(info->crs);
    EXPECT_EQ(info->crs->epsg, std::optional<int>(expected.epsg));
    EXPECT_EQ(info->crs->geographic, expected.geographic);
    EXPECT_FALSE(info->crs->wkt.empty());
    ASSERT_EQ(static_cast<int>(info->bands.size()), expected.bands);
    for (const BandInfo& band : info->bands) {
        EXPECT_EQ(band.dataType, expected.dataType) << "band " << band.index;
        EXPECT_EQ(band.nodata, expected.nodata) << "band " << band.index;
        EXPECT_EQ(static_cast<int>(band.overviews.size()), expected.overviews) << "band " << band.index;
        ASSERT_EQ(band.maskFlags.size(), 1u);
        EXPECT_EQ(band.maskFlags.front(), expected.maskFlag) << "band " << band.index;
    }
    EXPECT_EQ(info->bands.front().colorInterpretation, expected.firstColour);
    ASSERT_TRUE(info->georeferenced());
    if (expected.pixelSize > 0) {
        EXPECT_NEAR(info->pixelWidth(), expected.pixelSize, expected.pixelSize * 0.01 + 0.005);
        EXPECT_NEAR(-info->pixelHeight(), expected.pixelSize, expected.pixelSize * 0.01 + 0.005);
    }
    // Overviews halve (rounding up) level after level.
    const auto& overviews = info->bands.front().overviews;
    for (std::size_t level = 0; level < overviews.size(); ++level) {
        const int previous = level == 0 ? info->width : overviews[level - 1].width;
        EXPECT_EQ(overviews[level].width, (previous + 1) / 2);
    }
}

INSTANTIATE_TEST_SUITE_P(SharedRealData, RealRasterInfoTest, ::testing::ValuesIn(expectations),
                         [](const ::testing::TestParamInfo<Expected>& param) {
                             std::string name = fs::path(param.param.file).stem().string();
                             for (char& c : name) {
                                 if (!std::isalnum(static_cast<unsigned char>(c)))
                                     c = '_';
                             }
                             return name;
                         });

TEST(RasterInfoTest, EveryRealRasterIsCovered)
{
    std::set<std::string> covered;
    for (const Expected& expected : expectations)
        covered.insert(expected.file);
    for (const auto& entry : fs::directory_iterator(realData)) {
        if (entry.path().extension() == ".tif") {
            EXPECT_TRUE(covered.count(entry.path().filename().string())) << entry.path() << " has no expectations";
        }
    }
}

TEST(RasterInfoTest, LayoutFacts)
{
    auto cog = readRasterInfo(realData / "m_4709963_se_14_1_20200831.tif");
    ASSERT_TRUE(cog);
    EXPECT_EQ(cog->layout, "COG");
    EXPECT_EQ(cog->compression, "DEFLATE");
    EXPECT_EQ(cog->bands[0].blockWidth, 512);

    auto jpeg = readRasterInfo(realData / "test_tiled.tif");
    ASSERT_TRUE(jpeg);
    EXPECT_EQ(jpeg->compression, "YCbCr JPEG");
    EXPECT_EQ(jpeg->bands[0].blockWidth, 256);
    EXPECT_EQ(jpeg->bands[0].blockHeight, 256);

    auto strips = readRasterInfo(realData / "RGB.byte.tif");
    ASSERT_TRUE(strips);
    EXPECT_EQ(strips->compression, "");
    EXPECT_EQ(strips->bands[0].blockWidth, 791);
}

TEST(RasterInfoTest, TextAndJsonReports)
{
    auto info = readRasterInfo(realData / "cogeo.tif");
    ASSERT_TRUE(info);
    const std::string text = formatRasterInfoText(*info);
    EXPECT_NE(text.find("1024 x 1024 pixels, 3 bands"), std::string::npos) << text;
    EXPECT_NE(text.find("EPSG:3857"), std::string::npos) << text;
    EXPECT_NE(text.find("512x512, 256x256, 128x128, 64x64, 32x32, 16x16"), std::string::npos) << text;
    EXPECT_NE(text.find("PER_DATASET"), std::string::npos) << text;

    const auto json = nlohmann::json::parse(formatRasterInfoJson(*info));
    EXPECT_EQ(json["width"], 1024);
    EXPECT_EQ(json["crs"]["epsg"], 3857);
    EXPECT_EQ(json["bands"].size(), 3u);
    EXPECT_EQ(json["bands"][0]["overviews"].size(), 6u);
    EXPECT_TRUE(json["bands"][0]["nodata"].is_null());
    EXPECT_NEAR(json["pixel_size"][0].get<double>(), 0.597164, 1e-6);
}

// --- bad inputs: every error names the file and says what is wrong -------------------------

class BadRasterTest : public testing::TemporaryFolderTest {
protected:
    fs::path write(const std::string& name, const std::string& bytes)
    {
        const fs::path path = folder_ / name;
        std::ofstream(path, std::ios::binary) << bytes;
        return path;
    }

    static void expectError(const fs::path& path, ErrorCode code, const std::string& words)
    {
        auto info = readRasterInfo(path);
        ASSERT_FALSE(info) << path << " must not read as a raster";
        EXPECT_EQ(info.error().code(), code) << info.error().message();
        EXPECT_NE(info.error().message().find(path.string()), std::string::npos) << info.error().message();
        EXPECT_NE(info.error().message().find(words), std::string::npos) << info.error().message();
    }
};

TEST_F(BadRasterTest, MissingFile)
{
    expectError(folder_ / "nowhere.tif", ErrorCode::NotFound, "does not exist");
}

TEST_F(BadRasterTest, Folder)
{
    expectError(folder_, ErrorCode::InvalidData, "folder");
}

TEST_F(BadRasterTest, EmptyFile)
{
    expectError(write("empty.tif", ""), ErrorCode::InvalidData, "not a raster GDAL can read");
}

TEST_F(BadRasterTest, GarbageWithATiffName)
{
    expectError(write("garbage.tif", std::string(4096, '\x7f')), ErrorCode::InvalidData, "not a raster");
}

TEST_F(BadRasterTest, TruncatedTiff)
{
    std::ifstream in(realData / "RGB.byte.tif", std::ios::binary);
    std::string head(64, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    expectError(write("truncated.tif", head), ErrorCode::InvalidData, "not a raster GDAL can read");
}

TEST_F(BadRasterTest, VectorFilesAreNamedAsSuch)
{
    expectError(realData / "sample_roads_for_masking.geojson", ErrorCode::InvalidData, "vector data");
    expectError(realData / "OSBS_029.csv", ErrorCode::InvalidData, "vector data");
}

TEST_F(BadRasterTest, UnreadableFileWhenPermissionsApply)
{
    const fs::path path = write("locked.tif", "II*\0");
    fs::permissions(path, fs::perms::none);
    auto info = readRasterInfo(path);
    ASSERT_FALSE(info);
    // root reads any file: then the content itself is what is wrong.
    const ErrorCode expected = ::geteuid() == 0 ? ErrorCode::InvalidData : ErrorCode::PermissionDenied;
    EXPECT_EQ(info.error().code(), expected) << info.error().message();
    EXPECT_NE(info.error().message().find("locked.tif"), std::string::npos);
}

} // namespace
} // namespace refermap::geo
