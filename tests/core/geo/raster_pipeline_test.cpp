// The streaming pipeline end to end on every real raster: read -> stretch -> tile -> stitch -> write,
// with a deterministic per-pixel function standing in for the network, checked against the same
// function applied to the whole raster at once.
#include "geo/raster_pipeline.h"

#include "support/temporary_folder.h"

#include <gdal_priv.h>
#include <gtest/gtest.h>

#include <cmath>

namespace refermap::geo {
namespace {

namespace fs = std::filesystem;

// A smooth threshold of brightness.
float brightness(const RasterWindow& window, int row, int column)
{
    const float mean = (window.at(0, row, column) + window.at(1, row, column) + window.at(2, row, column)) / 3.0f;
    const float t = std::clamp((mean - 0.3f) / 0.4f, 0.0f, 1.0f);
    return t * t * (3.0f - 2.0f * t);
}

Result<std::vector<float>> brightnessTile(const RasterWindow& window, const Tile&)
{
    std::vector<float> out(static_cast<std::size_t>(window.width) * static_cast<std::size_t>(window.height));
    for (int row = 0; row < window.height; ++row)
        for (int column = 0; column < window.width; ++column)
            out[static_cast<std::size_t>(row) * window.width + column] = brightness(window, row, column);
    return out;
}

struct MaskPixels {
    std::vector<std::uint8_t> values;
    std::vector<std::uint8_t> valid;
};

MaskPixels readMask(const fs::path& path)
{
    GdalDatasetPtr dataset(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER));
    EXPECT_TRUE(dataset) << path;
    MaskPixels mask;
    if (!dataset)
        return mask;
    const int width = dataset->GetRasterXSize();
    const int height = dataset->GetRasterYSize();
    mask.values.resize(static_cast<std::size_t>(width) * height);
    mask.valid.resize(mask.values.size());
    GDALRasterBand* band = dataset->GetRasterBand(1);
    EXPECT_EQ(band->RasterIO(GF_Read, 0, 0, width, height, mask.values.data(), width, height, GDT_Byte, 0, 0, nullptr),
              CE_None);
    EXPECT_EQ(band->GetMaskBand()->RasterIO(GF_Read, 0, 0, width, height, mask.valid.data(), width, height, GDT_Byte,
                                            0, 0, nullptr),
              CE_None);
    return mask;
}

struct Case {
    const char* file;
    std::vector<int> bands;
};

void PrintTo(const Case& c, std::ostream* out)
{
    *out << c.file;
}

class RealRasterPipelineTest : public testing::TemporaryFolderTest, public ::testing::WithParamInterface<Case> {};

TEST_P(RealRasterPipelineTest, TiledResultEqualsTheWholeRasterAtOnce)
{
    RasterSourceOptions sourceOptions;
    sourceOptions.bands = GetParam().bands;
    auto source = RasterSource::open(fs::path(TEST_DATA_DIR) / "real" / GetParam().file, sourceOptions);
    ASSERT_TRUE(source) << source.error().message();

    RasterPipelineOptions options;
    options.tileSize = 128;
    options.overlap = 32;
    ProgressFeedback feedback;
    const fs::path maskPath = folder() / "mask.tif";
    auto report = runRasterPipeline(*source, brightnessTile, maskPath, options, feedback);
    ASSERT_TRUE(report) << report.error().message();
    EXPECT_TRUE(report->failures.empty());
    EXPECT_EQ(report->processed + report->skippedEmpty, report->tiles);
    EXPECT_DOUBLE_EQ(feedback.progress(), 1.0);

    auto whole = source->readWindow(0, 0, source->width(), source->height());
    ASSERT_TRUE(whole);
    const MaskPixels mask = readMask(maskPath);
    ASSERT_EQ(mask.values.size(), whole->valid.size());
    int worst = 0;
    std::size_t validPixels = 0;
    for (int row = 0; row < source->height(); ++row)
        for (int column = 0; column < source->width(); ++column) {
            const std::size_t i = static_cast<std::size_t>(row) * source->width() + column;
            ASSERT_EQ(mask.valid[i] != 0, whole->valid[i] != 0) << column << "," << row;
            if (!whole->valid[i])
                continue;
            ++validPixels;
            const int expected = static_cast<int>(std::lround(brightness(*whole, row, column) * 255.0f));
            worst = std::max(worst, std::abs(expected - static_cast<int>(mask.values[i])));
        }
    EXPECT_LE(worst, 1) << "max difference in 1/255 steps";
    EXPECT_GT(validPixels, 0u);

    // Moving the grid (offset, tile size, overlap) gives the same mask.
    options.tileSize = 96;
    options.overlap = 20;
    options.originX = 31;
    options.originY = 7;
    const fs::path movedPath = folder() / "moved.tif";
    ASSERT_TRUE(runRasterPipeline(*source, brightnessTile, movedPath, options, feedback));
    const MaskPixels moved = readMask(movedPath);
    int movedWorst = 0;
    for (std::size_t i = 0; i < moved.values.size(); ++i)
        if (mask.valid[i])
            movedWorst = std::max(movedWorst, std::abs(static_cast<int>(moved.values[i]) - mask.values[i]));
    EXPECT_LE(movedWorst, 1);
}

INSTANTIATE_TEST_SUITE_P(SharedRealData, RealRasterPipelineTest,
                         ::testing::Values(Case{"RGB.byte.tif", {}}, Case{"cogeo.tif", {}},
                                           Case{"L7_ETMs.tif", {3, 2, 1}}, Case{"rgb16.tif", {}},
                                           Case{"m_4709963_se_14_1_20200831.tif", {1, 2, 3}},
                                           Case{"OSBS_029.tif", {}}, Case{"test_tiled.tif", {}},
                                           Case{"road_mask_input.tif", {}}, Case{"sample_road_raster_mask.tif", {}}),
                         [](const ::testing::TestParamInfo<Case>& param) {
                             std::string name = fs::path(param.param.file).stem().string();
                             for (char& c : name) {
                                 if (!std::isalnum(static_cast<unsigned char>(c)))
                                     c = '_';
                             }
                             return name;
                         });

using RasterPipelineTest = testing::TemporaryFolderTest;

TEST_F(RasterPipelineTest, FailedTilesAreReportedNotDropped)
{
    auto source = RasterSource::open(fs::path(TEST_DATA_DIR) / "real" / "test_tiled.tif", {});
    ASSERT_TRUE(source);
    RasterPipelineOptions options;
    options.tileSize = 256;
    options.overlap = 32;
    ProgressFeedback feedback;
    auto failing = [](const RasterWindow& window, const Tile& tile) -> Result<std::vector<float>> {
        if (tile.column == 1 && tile.row == 2)
            return Error(ErrorCode::Internal, "out of memory on the device");
        return brightnessTile(window, tile);
    };
    auto report = runRasterPipeline(*source, failing, folder() / "mask.tif", options, feedback);
    ASSERT_TRUE(report) << report.error().message();
    ASSERT_EQ(report->failures.size(), 1u);
    EXPECT_EQ(report->failures[0].tile.column, 1);
    EXPECT_NE(report->failures[0].error.message().find("out of memory on the device, tile (1, 2)"), std::string::npos)
        << report->failures[0].error.message();
    // The failed tile's own core has no data; the rest of the raster does.
    const MaskPixels mask = readMask(folder() / "mask.tif");
    const Tile& tile = report->failures[0].tile;
    const std::size_t centre = static_cast<std::size_t>(tile.y + tile.height / 2) * 1000 + tile.x + tile.width / 2;
    EXPECT_EQ(mask.valid[centre], 0);
    EXPECT_EQ(mask.valid[10], 255);
}

TEST_F(RasterPipelineTest, CancelLeavesNoMask)
{
    auto source = RasterSource::open(fs::path(TEST_DATA_DIR) / "real" / "test_tiled.tif", {});
    ASSERT_TRUE(source);
    ProgressFeedback feedback;
    int calls = 0;
    auto cancelling = [&](const RasterWindow& window, const Tile& tile) {
        if (++calls == 3)
            feedback.cancel();
        return brightnessTile(window, tile);
    };
    RasterPipelineOptions options;
    options.tileSize = 256;
    auto report = runRasterPipeline(*source, cancelling, folder() / "mask.tif", options, feedback);
    ASSERT_FALSE(report);
    EXPECT_EQ(report.error().code(), ErrorCode::Cancelled);
    EXPECT_TRUE(fs::is_empty(folder())) << "no mask and no temporary file";
}

} // namespace
} // namespace refermap::geo
