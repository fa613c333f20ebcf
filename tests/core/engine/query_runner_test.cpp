// The query job end to end on real rasters with a small random BTDDNet: outputs, georeferencing,
// interrupt + resume == uninterrupted, bad inputs.
#include "engine/query_runner.h"
#include "engine/run_journal.h"
#include "model/btddnet.h"
#include "model/btddnet_file.h"

#include "support/temporary_folder.h"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>
#include <torch/torch.h>

#include <fstream>
#include <sys/stat.h>

namespace refermap::engine {
namespace {

const std::filesystem::path realData = std::filesystem::path(TEST_DATA_DIR) / "real";

class QueryRunnerTest : public testing::TemporaryFolderTest {
protected:
    void SetUp() override
    {
        TemporaryFolderTest::SetUp();
        GDALAllRegister();
        torch::manual_seed(7);
        model::BtddnetConfig config = model::BtddnetConfig::tiny();
        config.imageSize = 64;
        model::Btddnet network(config);
        auto tokenizer = model::WordpieceTokenizer::fromVocabularyFile(
            std::filesystem::path(TEST_SOURCE_DIR) / "resources/vocab/bert-base-uncased-vocab.txt");
        ASSERT_TRUE(tokenizer) << tokenizer.error().message();
        modelPath = folder() / "random.refermap";
        ASSERT_TRUE(model::saveBtddnetFile(modelPath, network, *tokenizer, {{"name", "random tiny"}}));
    }

    QueryOptions options(const std::string& raster, const std::string& output) const
    {
        QueryOptions query;
        query.raster = realData / raster;
        query.text = "the white storage tanks near the harbor";
        query.model = modelPath;
        query.output = folder() / output;
        query.device = "cpu";
        query.threads = 1;
        // Tiles of 160 px resized to the network's 64: few tiles, and the resizing path is exercised.
        query.tileSize = 160;
        query.overlap = 32;
        return query;
    }

    static std::vector<std::uint8_t> pixels(const std::filesystem::path& path)
    {
        GDALDatasetUniquePtr dataset(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
        EXPECT_TRUE(dataset) << path;
        if (!dataset)
            return {};
        const int width = dataset->GetRasterXSize();
        const int height = dataset->GetRasterYSize();
        std::vector<std::uint8_t> values(static_cast<std::size_t>(width) * height);
        EXPECT_EQ(dataset->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, width, height, values.data(), width, height,
                                                      GDT_Byte, 0, 0, nullptr),
                  CE_None);
        return values;
    }

    std::filesystem::path modelPath;
};

// The CPU batches tiles up to eight 128-pixel tiles' worth of pixels; CUDA always takes 8.
TEST(DefaultQueryBatchTest, FollowsTheTileSizeOnTheCpu)
{
    const c10::Device cpu(c10::kCPU);
    EXPECT_EQ(defaultQueryBatch(cpu, 64), 8);
    EXPECT_EQ(defaultQueryBatch(cpu, 128), 8);
    EXPECT_EQ(defaultQueryBatch(cpu, 256), 2);
    EXPECT_EQ(defaultQueryBatch(cpu, 384), 1);
    EXPECT_EQ(defaultQueryBatch(cpu, 448), 1);
    EXPECT_EQ(defaultQueryBatch(c10::Device(c10::kCUDA, 0), 448), 8);
}

TEST_F(QueryRunnerTest, WritesGeoreferencedMasksAndLayerOnARealRaster)
{
    QueryOptions query = options("RGB.byte.tif", "tanks.gpkg");
    query.batch = 3;
    ProgressFeedback feedback;
    auto report = runQuery(query, feedback);
    ASSERT_TRUE(report) << report.error().message();
    EXPECT_GT(report->tiles.processed, 10);
    EXPECT_TRUE(report->tiles.failures.empty());
    EXPECT_EQ(report->device, "cpu");
    EXPECT_DOUBLE_EQ(feedback.progress(), 1.0);
    EXPECT_FALSE(std::filesystem::exists(runJournalPath(query.output)));

    GDALDatasetUniquePtr source(GDALDataset::Open((realData / "RGB.byte.tif").c_str(), GDAL_OF_RASTER));
    ASSERT_TRUE(source);
    for (const auto& path : {report->probabilityMask, report->binaryMask}) {
        GDALDatasetUniquePtr mask(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER));
        ASSERT_TRUE(mask) << path;
        EXPECT_EQ(mask->GetRasterXSize(), source->GetRasterXSize());
        EXPECT_EQ(mask->GetRasterYSize(), source->GetRasterYSize());
        std::array<double, 6> a{}, b{};
        mask->GetGeoTransform(a.data());
        source->GetGeoTransform(b.data());
        EXPECT_EQ(a, b);
        EXPECT_TRUE(mask->GetSpatialRef()->IsSame(source->GetSpatialRef()));
    }
    // The binary mask is the probability raster thresholded at 0.5 (byte >= 128), pixel for pixel.
    const auto probability = pixels(report->probabilityMask);
    const auto binary = pixels(report->binaryMask);
    ASSERT_EQ(probability.size(), binary.size());
    std::size_t foreground = 0;
    for (std::size_t i = 0; i < probability.size(); ++i) {
        ASSERT_EQ(binary[i], probability[i] >= 128 ? 1 : 0) << i << " p=" << int(probability[i]);
        foreground += binary[i];
    }

    GDALDatasetUniquePtr layer(GDALDataset::Open(query.output.c_str(), GDAL_OF_VECTOR));
    ASSERT_TRUE(layer);
    OGRLayer* features = layer->GetLayer(0);
    EXPECT_EQ(static_cast<std::size_t>(features->GetFeatureCount()), report->features);
    EXPECT_TRUE(features->GetSpatialRef()->IsSame(source->GetSpatialRef()));
    if (foreground > 0) {
        OGREnvelope extent;
        ASSERT_EQ(features->GetExtent(&extent), OGRERR_NONE);
        std::array<double, 6> t{};
        source->GetGeoTransform(t.data());
        EXPECT_GE(extent.MinX, t[0] - 1e-6);
        EXPECT_LE(extent.MaxX, t[0] + t[1] * source->GetRasterXSize() + 1e-6);
        EXPECT_LE(extent.MaxY, t[3] + 1e-6);
        EXPECT_GE(extent.MinY, t[3] + t[5] * source->GetRasterYSize() - 1e-6);
        auto feature = OGRFeatureUniquePtr(features->GetNextFeature());
        EXPECT_STREQ(feature->GetFieldAsString("query"), query.text.c_str());
        EXPECT_STREQ(feature->GetFieldAsString("run_id"), report->runId.c_str());
    }
}

TEST_F(QueryRunnerTest, InterruptedThenResumedEqualsUninterrupted)
{
    QueryOptions whole = options("cogeo.tif", "whole.gpkg");
    ProgressFeedback wholeFeedback;
    auto uninterrupted = runQuery(whole, wholeFeedback);
    ASSERT_TRUE(uninterrupted) << uninterrupted.error().message();

    QueryOptions query = options("cogeo.tif", "resumed.gpkg");
    ProgressFeedback interrupt;
    interrupt.setListener([&](const ProgressUpdate& update) {
        if (update.fraction > 0.4)
            interrupt.cancel();
    });
    auto cancelled = runQuery(query, interrupt);
    ASSERT_FALSE(cancelled);
    EXPECT_EQ(cancelled.error().code(), ErrorCode::Cancelled);
    // Nothing half-written: no output, no mask; the journal remains for the next run.
    EXPECT_FALSE(std::filesystem::exists(query.output));
    EXPECT_FALSE(std::filesystem::exists(folder() / "resumed.probability.tif"));
    EXPECT_FALSE(std::filesystem::exists(folder() / "resumed.mask.tif"));
    ASSERT_TRUE(std::filesystem::exists(runJournalPath(query.output)));
    for (const auto& entry : std::filesystem::directory_iterator(folder())) {
        const std::string name = entry.path().filename().string();
        EXPECT_TRUE(name.find("resumed") == std::string::npos || entry.path() == runJournalPath(query.output))
            << "left behind: " << name;
    }

    ProgressFeedback again;
    auto resumed = runQuery(query, again);
    ASSERT_TRUE(resumed) << resumed.error().message();
    EXPECT_GT(resumed->resumedTiles, 0u);
    EXPECT_LT(resumed->resumedTiles, static_cast<std::size_t>(resumed->tiles.processed));
    EXPECT_EQ(pixels(resumed->probabilityMask), pixels(uninterrupted->probabilityMask));
    EXPECT_EQ(pixels(resumed->binaryMask), pixels(uninterrupted->binaryMask));
    EXPECT_EQ(resumed->features, uninterrupted->features);
    EXPECT_FALSE(std::filesystem::exists(runJournalPath(query.output)));
}

TEST_F(QueryRunnerTest, AJournalOfAnotherRunIsNotReplayed)
{
    QueryOptions query = options("cogeo.tif", "other.gpkg");
    {
        auto journal = RunJournal::open(runJournalPath(query.output), "some other run");
        ASSERT_TRUE(journal);
        ASSERT_TRUE(journal->append({{0, 0, std::vector<float>(64 * 64, 1.0f)}}));
    }
    ProgressFeedback feedback;
    auto report = runQuery(query, feedback);
    ASSERT_TRUE(report) << report.error().message();
    EXPECT_EQ(report->resumedTiles, 0u);
}

TEST_F(QueryRunnerTest, BadInputsAreRefusedWithClearErrors)
{
    auto expectError = [&](QueryOptions query, ErrorCode code, const std::string& fragment) {
        ProgressFeedback feedback;
        auto report = runQuery(query, feedback);
        ASSERT_FALSE(report) << fragment;
        EXPECT_EQ(report.error().code(), code) << report.error().message();
        EXPECT_NE(report.error().message().find(fragment), std::string::npos) << report.error().message();
        EXPECT_FALSE(std::filesystem::exists(query.output)) << fragment;
    };
    QueryOptions query = options("cogeo.tif", "bad.gpkg");

    QueryOptions missingModel = query;
    missingModel.model = folder() / "missing.refermap";
    expectError(missingModel, ErrorCode::NotFound, "missing.refermap");

    const auto corrupt = folder() / "corrupt.refermap";
    std::ofstream(corrupt, std::ios::binary) << "\x10\x00\x00\x00\x00\x00\x00\x00{\"a\":";
    QueryOptions corruptModel = query;
    corruptModel.model = corrupt;
    expectError(corruptModel, ErrorCode::InvalidData, "corrupt.refermap");

    QueryOptions empty = query;
    empty.text = "  \t ";
    expectError(empty, ErrorCode::InvalidArgument, "query is empty");

    QueryOptions overlong = query;
    overlong.text = std::string(10000, 'a');
    expectError(overlong, ErrorCode::InvalidArgument, "10000 characters");

    QueryOptions unknownWords = query;
    unknownWords.text = "\xF0\x9F\x9B\xA2\xF0\x9F\x9B\xA2"; // two oil-drum emoji
    expectError(unknownWords, ErrorCode::InvalidArgument, "knows no word");

    QueryOptions device = query;
    device.device = "tpu";
    expectError(device, ErrorCode::InvalidArgument, "tpu");

    QueryOptions raster = query;
    raster.raster = realData / "OSBS_029.csv";
    expectError(raster, ErrorCode::InvalidData, "OSBS_029.csv");

    const auto readOnly = folder() / "read-only";
    std::filesystem::create_directories(readOnly);
    ::chmod(readOnly.c_str(), 0555);
    QueryOptions unwritable = query;
    unwritable.output = readOnly / "out.gpkg";
    if (::geteuid() != 0) // root writes anywhere
        expectError(unwritable, ErrorCode::PermissionDenied, "read-only");
    ::chmod(readOnly.c_str(), 0755);
}

TEST_F(QueryRunnerTest, NonAsciiQueriesRun)
{
    QueryOptions query = options("cogeo.tif", "accents.geojson");
    query.text = "les réservoirs blancs près du port";
    ProgressFeedback feedback;
    auto report = runQuery(query, feedback);
    ASSERT_TRUE(report) << report.error().message();
    EXPECT_TRUE(std::filesystem::exists(query.output));
}

} // namespace
} // namespace refermap::engine
