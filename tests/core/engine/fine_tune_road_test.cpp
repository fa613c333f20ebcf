// Issue 7's real-label check: the road mask of a real raster, given as the correction of the query
// "the road" on the left half, fine-tunes the bundled demo model on the CPU; the query's IoU on
// ground no sample touched (the right part) must rise over the base model's.
#include "engine/fine_tune.h"
#include "engine/query_runner.h"
#include "project/project_store.h"
#include "support/correction_project.h"
#include "support/temporary_folder.h"

#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

namespace {

namespace fs = std::filesystem;
using namespace refermap;

const fs::path realData = fs::path(TEST_DATA_DIR) / "real";
const fs::path demoModel = fs::path(TEST_SOURCE_DIR) / "resources/models/refermap-demo-tiny.refermap";

// The correction covers columns [0, 650); the chips reach column 768 at most (the 256-pixel edited
// tiles), so IoU is measured on columns [768, 1300), never seen in training.
constexpr int correctedWidth = 650;
constexpr int unseenFrom = 768;

std::vector<std::uint8_t> readMask(const fs::path& path, int& width, int& height)
{
    GDALDataset* dataset = static_cast<GDALDataset*>(GDALOpen(path.string().c_str(), GA_ReadOnly));
    EXPECT_NE(dataset, nullptr) << path;
    width = dataset->GetRasterXSize();
    height = dataset->GetRasterYSize();
    std::vector<std::uint8_t> pixels(static_cast<std::size_t>(width) * height);
    EXPECT_EQ(dataset->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, width, height, pixels.data(), width, height, GDT_Byte,
                                                  0, 0),
              CE_None);
    GDALClose(dataset);
    return pixels;
}

double unseenIoU(const fs::path& predicted)
{
    int width = 0, height = 0, truthWidth = 0, truthHeight = 0;
    const auto prediction = readMask(predicted, width, height);
    const auto truth = readMask(realData / "sample_road_raster_mask.tif", truthWidth, truthHeight);
    EXPECT_EQ(width, truthWidth);
    std::int64_t intersection = 0, united = 0;
    for (int row = 0; row < height; ++row) {
        for (int column = unseenFrom; column < width; ++column) {
            const std::size_t i = static_cast<std::size_t>(row) * width + column;
            const bool p = prediction[i] > 0, t = truth[i] > 0;
            intersection += (p && t) ? 1 : 0;
            united += (p || t) ? 1 : 0;
        }
    }
    return united == 0 ? 0.0 : static_cast<double>(intersection) / static_cast<double>(united);
}

class FineTuneRoadTest : public refermap::testing::TemporaryFolderTest {};

TEST_F(FineTuneRoadTest, CorrectionsOfOneHalfRaiseTheQuerysIoUOnTheOther)
{
    const fs::path raster = folder() / "road.tif";
    fs::copy_file(realData / "road_mask_input.tif", raster);

    // The base model's query: its mask is what the user corrects.
    auto query = [&](const fs::path& model, const std::string& name) {
        engine::QueryOptions options;
        options.raster = raster;
        options.text = "the road";
        options.model = model;
        options.output = folder() / (name + ".gpkg");
        options.device = "cpu";
        options.threads = 2;
        ProgressFeedback feedback;
        auto report = engine::runQuery(options, feedback);
        EXPECT_TRUE(report) << report.error().message();
        return report ? report->binaryMask : fs::path();
    };
    const fs::path baseMask = query(demoModel, "base");
    ASSERT_FALSE(baseMask.empty());

    const fs::path projectPath = folder() / "roads.refermap.gpkg";
    {
        auto store = project::ProjectStore::create(projectPath);
        ASSERT_TRUE(store) << store.error().message();
        refermap::testing::CorrectedLayerSpec spec;
        spec.rasterPath = raster;
        spec.queryText = "the road";
        spec.queryMaskPath = baseMask;
        spec.correctedMaskPath = realData / "sample_road_raster_mask.tif";
        spec.region = {0, 0, correctedWidth, 1300};
        auto layer = refermap::testing::addCorrectedLayer(*store, spec);
        ASSERT_TRUE(layer) << layer.error().message();
    }

    engine::FineTuneOptions options;
    options.project = projectPath;
    options.baseModel = demoModel;
    options.output = folder() / "roads.refermap";
    options.device = "cpu";
    options.threads = 2;
    options.epochs = FINE_TUNE_EPOCHS;
    options.batchSize = 8;
    options.learningRate = FINE_TUNE_LR;
    options.backboneLearningRate = FINE_TUNE_LR / 10;
    options.freeze = engine::FineTuneFreeze::FINE_TUNE_FREEZE;
    options.seed = 3;
    std::size_t lossPoints = 0, validations = 0;
    ProgressFeedback feedback;
    const auto started = std::chrono::steady_clock::now();
    auto report = engine::runFineTune(options, feedback, [&](const engine::FineTunePoint& point) {
        (point.kind == engine::FineTunePoint::Kind::TrainingLoss ? lossPoints : validations) += 1;
    });
    ASSERT_TRUE(report) << report.error().message();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    EXPECT_GT(report->trainSamples, 20u);
    EXPECT_GT(report->validationSamples, 3u);
    EXPECT_EQ(lossPoints, static_cast<std::size_t>(report->iterations));
    EXPECT_EQ(validations, static_cast<std::size_t>(options.epochs));

    const double before = unseenIoU(baseMask);
    const double after = unseenIoU(query(options.output, "tuned"));
    spdlog::info("fine_tune_road_test: IoU on the unseen columns {}..1299: base {:.4f}, fine-tuned {:.4f}; held-out "
                 "chips oIoU {:.4f} -> {:.4f}; {} train / {} validation chips, {} steps, {:.1f} s",
                 unseenFrom, before, after, report->before.oIoU, report->after.oIoU, report->trainSamples,
                 report->validationSamples, report->iterations, seconds);
    EXPECT_GT(after, before + 0.05);
    EXPECT_GT(report->after.oIoU, report->before.oIoU);
}

} // namespace
