// The batched, prefetching pipeline gives exactly what the one-tile-at-a-time pipeline gives, and
// writes several mask outputs from one run.
#include "geo/raster_pipeline.h"

#include "support/temporary_folder.h"

#include <gdal_priv.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <thread>

namespace refermap::geo {
namespace {

namespace fs = std::filesystem;

const fs::path realData = fs::path(TEST_DATA_DIR) / "real";

// Red minus blue, a deterministic per-pixel function of the window.
std::vector<float> redness(const RasterWindow& window)
{
    std::vector<float> out(static_cast<std::size_t>(window.width) * static_cast<std::size_t>(window.height));
    for (int row = 0; row < window.height; ++row)
        for (int column = 0; column < window.width; ++column)
            out[static_cast<std::size_t>(row) * window.width + column]
                = std::clamp(0.5f + window.at(0, row, column) - window.at(2, row, column), 0.0f, 1.0f);
    return out;
}

std::vector<std::uint8_t> readBand(const fs::path& path)
{
    GDALDatasetUniquePtr dataset(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER));
    EXPECT_TRUE(dataset) << path;
    if (!dataset)
        return {};
    const int width = dataset->GetRasterXSize();
    const int height = dataset->GetRasterYSize();
    std::vector<std::uint8_t> values(static_cast<std::size_t>(width) * height);
    EXPECT_EQ(dataset->GetRasterBand(1)->RasterIO(
                  GF_Read, 0, 0, width, height, values.data(), width, height, GDT_Byte, 0, 0, nullptr),
              CE_None);
    return values;
}

class RasterPipelineBatchTest : public testing::TemporaryFolderTest {
protected:
    void SetUp() override
    {
        TemporaryFolderTest::SetUp();
        GDALAllRegister();
    }
};

TEST_F(RasterPipelineBatchTest, BatchesAndPrefetchingChangeNothing)
{
    for (const char* name : {"RGB.byte.tif", "rgb16.tif", "m_4709963_se_14_1_20200831.tif"}) {
        RasterSourceOptions bands;
        if (std::string(name).rfind("m_", 0) == 0)
            bands.bands = {1, 2, 3}; // NAIP: R, G, B, NIR
        auto source = RasterSource::open(realData / name, bands);
        ASSERT_TRUE(source) << source.error().message();
        RasterPipelineOptions options;
        options.tileSize = 96;
        options.overlap = 24;

        options.batchSize = 1;
        options.prefetchTiles = -1;
        std::vector<std::pair<int, int>> unbatchedOrder;
        const TileProcessor single = [&](const RasterWindow& window, const Tile& tile) -> Result<std::vector<float>> {
            unbatchedOrder.emplace_back(tile.column, tile.row);
            return redness(window);
        };
        ProgressFeedback plain;
        ASSERT_TRUE(runRasterPipeline(*source, single, folder() / "single.tif", options, plain));

        options.batchSize = 5;
        options.prefetchTiles = 7;
        std::vector<std::pair<int, int>> batchedOrder;
        std::set<std::thread::id> readers;
        std::size_t largest = 0;
        const TileBatchProcessor batched = [&](const std::vector<const TileInput*>& batch) {
            largest = std::max(largest, batch.size());
            std::vector<Result<std::vector<float>>> results;
            for (const TileInput* input : batch) {
                batchedOrder.emplace_back(input->tile.column, input->tile.row);
                results.emplace_back(redness(input->window));
            }
            return results;
        };
        MaskWriterOptions binary;
        binary.kind = MaskKind::Binary;
        ProgressFeedback feedback;
        auto report = runRasterPipeline(*source, batched,
            {MaskOutput{folder() / "batched.tif", {}}, MaskOutput{folder() / "binary.tif", binary}}, options, feedback);
        ASSERT_TRUE(report) << report.error().message();
        EXPECT_EQ(largest, 5u) << name;
        EXPECT_EQ(batchedOrder, unbatchedOrder) << name;
        const auto expected = readBand(folder() / "single.tif");
        EXPECT_EQ(readBand(folder() / "batched.tif"), expected) << name;
        const auto mask = readBand(folder() / "binary.tif");
        ASSERT_EQ(mask.size(), expected.size());
        for (std::size_t i = 0; i < mask.size(); ++i)
            ASSERT_EQ(mask[i], expected[i] >= 128 ? 1 : 0) << name << " pixel " << i;
    }
}

TEST_F(RasterPipelineBatchTest, AFailedTileInABatchIsReportedAndTheOthersKept)
{
    auto source = RasterSource::open(realData / "cogeo.tif");
    ASSERT_TRUE(source);
    RasterPipelineOptions options;
    options.tileSize = 256;
    options.overlap = 32;
    options.batchSize = 3;
    const TileBatchProcessor batched = [&](const std::vector<const TileInput*>& batch) {
        std::vector<Result<std::vector<float>>> results;
        for (const TileInput* input : batch) {
            if (input->tile.column == 1 && input->tile.row == 1)
                results.emplace_back(Error(ErrorCode::Io, "device lost"));
            else
                results.emplace_back(redness(input->window));
        }
        return results;
    };
    ProgressFeedback feedback;
    auto report = runRasterPipeline(*source, batched, {MaskOutput{folder() / "mask.tif", {}}}, options, feedback);
    ASSERT_TRUE(report) << report.error().message();
    ASSERT_EQ(report->failures.size(), 1u);
    EXPECT_EQ(report->failures[0].tile.column, 1);
    EXPECT_NE(report->failures[0].error.message().find("device lost"), std::string::npos);
    EXPECT_EQ(report->processed, report->tiles - 1);
}

TEST_F(RasterPipelineBatchTest, CancelStopsTheReaderAndLeavesNoFile)
{
    auto source = RasterSource::open(realData / "cogeo.tif");
    ASSERT_TRUE(source);
    RasterPipelineOptions options;
    options.tileSize = 64;
    options.overlap = 8;
    options.batchSize = 2;
    options.prefetchTiles = 3;
    ProgressFeedback feedback;
    int calls = 0;
    const TileBatchProcessor batched = [&](const std::vector<const TileInput*>& batch) {
        if (++calls == 4)
            feedback.cancel();
        std::vector<Result<std::vector<float>>> results;
        for (const TileInput* input : batch)
            results.emplace_back(redness(input->window));
        return results;
    };
    auto report = runRasterPipeline(*source, batched,
        {MaskOutput{folder() / "a.tif", {}}, MaskOutput{folder() / "b.tif", {}}}, options, feedback);
    ASSERT_FALSE(report);
    EXPECT_EQ(report.error().code(), ErrorCode::Cancelled);
    EXPECT_TRUE(fs::is_empty(folder()));
}

// The batches of redness() that the two conversion tests below run, and their two mask outputs.
const TileBatchProcessor rednessBatches = [](const std::vector<const TileInput*>& batch) {
    std::vector<Result<std::vector<float>>> results;
    for (const TileInput* input : batch)
        results.emplace_back(redness(input->window));
    return results;
};

RasterPipelineOptions conversionTestOptions()
{
    RasterPipelineOptions options;
    options.tileSize = 128;
    options.overlap = 16;
    options.batchSize = 4;
    return options;
}

std::vector<MaskOutput> probabilityAndBinary(const fs::path& folder)
{
    MaskWriterOptions binary;
    binary.kind = MaskKind::Binary;
    return {MaskOutput{folder / "probability.tif", {}}, MaskOutput{folder / "binary.tif", binary}};
}

// The work that runs alongside the conversion (the query's vectorising) sees the finished first mask;
// when it fails, nothing is published.
TEST_F(RasterPipelineBatchTest, WorkAlongsideTheConversionSeesTheFinishedMaskAndCanFailTheRun)
{
    auto source = RasterSource::open(realData / "RGB.byte.tif");
    ASSERT_TRUE(source);
    RasterPipelineOptions options = conversionTestOptions();
    const std::vector<MaskOutput> outputs = probabilityAndBinary(folder());
    std::vector<std::uint8_t> seen;
    std::thread::id alongsideThread;
    options.alongsideConversion = [&](const fs::path& finished) -> Result<void> {
        alongsideThread = std::this_thread::get_id();
        seen = readBand(finished);
        return {};
    };
    ProgressFeedback feedback;
    auto report = runRasterPipeline(*source, rednessBatches, outputs, options, feedback);
    ASSERT_TRUE(report) << report.error().message();
    EXPECT_NE(alongsideThread, std::this_thread::get_id());
    EXPECT_FALSE(seen.empty());
    EXPECT_EQ(seen, readBand(folder() / "probability.tif"));
    fs::remove(folder() / "probability.tif");
    fs::remove(folder() / "binary.tif");

    options.alongsideConversion = [](const fs::path&) -> Result<void> {
        return Error(ErrorCode::Io, "cannot write the vector layer");
    };
    auto failed = runRasterPipeline(*source, rednessBatches, outputs, options, feedback);
    ASSERT_FALSE(failed);
    EXPECT_EQ(failed.error().message(), "cannot write the vector layer");
    EXPECT_TRUE(fs::is_empty(folder())) << "neither mask nor a temporary file";
}

// The masks are converted side by side; a cancel then must not leave the one that was quicker.
TEST_F(RasterPipelineBatchTest, CancelWhileTheMasksAreConvertedLeavesNone)
{
    auto source = RasterSource::open(realData / "RGB.byte.tif");
    ASSERT_TRUE(source);
    ProgressFeedback feedback(std::chrono::milliseconds(0));
    bool converting = false;
    feedback.setListener([&](const ProgressUpdate& update) {
        if (update.fraction > 0.8) { // the tiles are done (0.8), the conversion has begun
            converting = true;
            feedback.cancel();
        }
    });
    auto report
        = runRasterPipeline(*source, rednessBatches, probabilityAndBinary(folder()), conversionTestOptions(), feedback);
    EXPECT_TRUE(converting);
    ASSERT_FALSE(report);
    EXPECT_EQ(report.error().code(), ErrorCode::Cancelled);
    EXPECT_TRUE(fs::is_empty(folder())) << "neither mask nor a temporary file";
}

} // namespace
} // namespace refermap::geo
