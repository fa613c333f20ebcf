// Issue 7's synthetic shift check: corrections of a colour the bundled demo model was never trained
// on (purple, the scene generator's opt-in colour; its targets are of every default category) teach
// it that colour. Twenty scenes, each a raster whose query found nothing and whose mask the user
// corrected to the exact target, fine-tune the demo model with the fine-tune's default settings (the
// dialog's and the CLI's); on 100 unseen scenes (another seed) its IoU must rise well above the base
// model's. Both models are scored on the same images, read as a query reads them (geo::RasterSource
// with the default stretch, which is also how the correction samples were taken), with the
// evaluator of `refermap-cli eval`.
//
// The same check with airplanes (the opt-in category, in the palette colours the model knows) is not
// met: see docs/finetune.md, "Synthetic shift".
#include "engine/correction_samples.h"
#include "engine/fine_tune.h"
#include "engine/query_runner.h"
#include "engine/referring_evaluator.h"
#include "engine/synthetic_expression.h"
#include "engine/synthetic_dataset_writer.h"
#include "engine/synthetic_scene_generator.h"
#include "geo/raster_source.h"
#include "model/blas_backend.h"
#include "model/btddnet_file.h"
#include "project/project_store.h"
#include "support/correction_project.h"
#include "support/temporary_folder.h"

#include <gdal_priv.h>
#include <spdlog/spdlog.h>

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace refermap::engine {
namespace {

namespace fs = std::filesystem;

const fs::path kDemoModel = fs::path(TEST_SOURCE_DIR) / "resources/models/refermap-demo-tiny.refermap";
constexpr std::uint64_t kTrainSeed = 7001;
constexpr std::uint64_t kUnseenSeed = 7002;
constexpr std::size_t kCorrections = 20;
constexpr std::size_t kUnseenScenes = 100;
constexpr int kThreads = 2;

// The expressions of the check: colour words, which the demo model was trained to read (its second
// stage), with a colour word and a colour it never saw.
const std::vector<ExpressionKind> kKinds{ExpressionKind::Attribute};
constexpr SceneColour kNewColour = SceneColour::Purple;

// The unseen scenes as a query reads them: each GeoTIFF through geo::RasterSource (automatic bands,
// the default 2-98 % stretch), and the generator's exact mask of the target.
class QueryViewDataset : public ReferringDataset {
public:
    QueryViewDataset(const fs::path& folder, const SyntheticSceneGenerator& generator, std::size_t count)
    {
        for (std::size_t i = 0; i < count; ++i) {
            SyntheticScene scene = generator.generate(i).value();
            ReferringRef ref;
            ref.id = syntheticStem(i);
            ref.imageId = syntheticStem(i);
            ref.imagePath = folder / "images" / (syntheticStem(i) + ".tif");
            ref.sentences = {scene.expression.text};
            refs_.push_back(std::move(ref));
            masks_.push_back(std::move(scene.mask));
        }
    }

    std::string name() const override { return "synthetic purple targets"; }
    DatasetSplit split() const override { return DatasetSplit::Test; }
    std::size_t size() const override { return refs_.size(); }
    const ReferringRef& ref(std::size_t index) const override { return refs_.at(index); }

    Result<RgbImage> loadImage(std::size_t index) const override
    {
        auto source = geo::RasterSource::open(refs_.at(index).imagePath);
        if (!source)
            return source.error();
        auto window = source->readWindow(0, 0, source->width(), source->height());
        if (!window)
            return window.error();
        RgbImage image;
        image.width = window->width;
        image.height = window->height;
        image.pixels = correctionChipRgb(*window);
        return image;
    }
    Result<BinaryMask> loadMask(std::size_t index) const override { return masks_.at(index); }

private:
    std::vector<ReferringRef> refs_;
    std::vector<BinaryMask> masks_;
};

// A mask raster of zeros: what the query wrote where it found nothing.
void writeEmptyMask(const fs::path& path, int size)
{
    GDALAllRegister();
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GTiff");
    ASSERT_NE(driver, nullptr);
    GDALDataset* dataset = driver->Create(path.c_str(), size, size, 1, GDT_Byte, nullptr);
    ASSERT_NE(dataset, nullptr) << path;
    ASSERT_EQ(dataset->GetRasterBand(1)->Fill(0.0), CE_None);
    GDALClose(dataset);
}

ReferringScores evaluate(const fs::path& modelPath, const ReferringDataset& dataset)
{
    auto loaded = model::loadBtddnetFile(modelPath);
    EXPECT_TRUE(loaded) << loaded.error().message();
    if (!loaded)
        return {};
    ProgressFeedback feedback;
    ProgressRange range(feedback, 0.0, 1.0);
    EvaluationOptions options;
    options.batchSize = 10;
    auto metrics = evaluateReferring(loaded->model, loaded->tokenizer, dataset, options, c10::Device(c10::kCPU), range);
    EXPECT_TRUE(metrics) << metrics.error().message();
    return metrics ? metrics->scores() : ReferringScores{};
}

class FineTuneShiftTest : public testing::TemporaryFolderTest {};

TEST_F(FineTuneShiftTest, TwentyPurpleCorrectionsTeachTheDemoModelANewColour)
{
    const auto started = std::chrono::steady_clock::now();
    model::configureComputeThreads(kThreads);
    auto base = model::loadBtddnetFile(kDemoModel);
    ASSERT_TRUE(base) << base.error().message();
    // Scenes at the scale the demo model was trained at (its default query tile), so a correction's
    // chip is one whole scene.
    const int sceneSize = defaultQueryTileSize(*base);

    SyntheticDatasetOptions scenes;
    scenes.size = sceneSize;
    scenes.kinds = kKinds;
    scenes.targetColour = kNewColour;
    ProgressFeedback feedback;

    // The corrections: per scene, a query that found nothing, corrected to the target over the scene.
    scenes.seed = kTrainSeed;
    scenes.count = kCorrections;
    const fs::path trainFolder = folder() / "train-scenes";
    ASSERT_TRUE(writeSyntheticDataset(trainFolder, scenes, feedback));
    SyntheticSceneGenerator::Options generatorOptions;
    generatorOptions.size = sceneSize;
    generatorOptions.kinds = kKinds;
    generatorOptions.targetColour = kNewColour;
    const SyntheticSceneGenerator trainGenerator = SyntheticSceneGenerator::create(kTrainSeed, generatorOptions).value();
    const fs::path projectPath = folder() / "purple.refermap.gpkg";
    {
        auto store = project::ProjectStore::create(projectPath);
        ASSERT_TRUE(store) << store.error().message();
        // The fine-tune holds out about validationShare of the one-chip layers (at random), so
        // some of the 20 corrections validate and the others train.
        for (std::size_t i = 0; i < kCorrections; ++i) {
            const std::string stem = syntheticStem(i);
            testing::CorrectedLayerSpec spec;
            spec.rasterPath = trainFolder / "images" / (stem + ".tif");
            spec.queryText = trainGenerator.generate(i).value().expression.text;
            spec.queryMaskPath = folder() / (stem + ".query-mask.tif");
            writeEmptyMask(spec.queryMaskPath, sceneSize);
            spec.correctedMaskPath = trainFolder / "masks" / (stem + ".tif");
            spec.region = {0, 0, sceneSize, sceneSize};
            auto layer = testing::addCorrectedLayer(*store, spec);
            ASSERT_TRUE(layer) << layer.error().message();
        }
    }

    // The unseen scenes: another seed.
    scenes.seed = kUnseenSeed;
    scenes.count = kUnseenScenes;
    const fs::path unseenFolder = folder() / "unseen-scenes";
    ASSERT_TRUE(writeSyntheticDataset(unseenFolder, scenes, feedback));
    const QueryViewDataset unseen(unseenFolder, SyntheticSceneGenerator::create(kUnseenSeed, generatorOptions).value(),
                                  kUnseenScenes);

    FineTuneOptions options;
    options.project = projectPath;
    options.baseModel = kDemoModel;
    options.output = folder() / "purple.refermap";
    options.device = "cpu";
    options.threads = kThreads;
    options.seed = 1;
    // Everything else as the dialog and `refermap-cli finetune` default to: 10 epochs, batch 4, lr
    // 1e-4, backbones frozen, samples not mirrored.
    ASSERT_EQ(options.epochs, 10);
    ASSERT_EQ(options.batchSize, 4);
    ASSERT_DOUBLE_EQ(options.learningRate, 1e-4);
    ASSERT_EQ(options.freeze, FineTuneFreeze::Backbones);
    ASSERT_FALSE(options.mirror);
    auto report = runFineTune(options, feedback);
    ASSERT_TRUE(report) << report.error().message();
    EXPECT_EQ(report->layers, kCorrections);
    EXPECT_EQ(report->trainSamples + report->validationSamples, kCorrections);
    EXPECT_GE(report->validationSamples, 1u);

    const ReferringScores before = evaluate(kDemoModel, unseen);
    const ReferringScores after = evaluate(options.output, unseen);
    ASSERT_EQ(before.samples, static_cast<std::int64_t>(kUnseenScenes));
    ASSERT_EQ(after.samples, static_cast<std::int64_t>(kUnseenScenes));
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    spdlog::info("synthetic shift (purple targets, colour expressions): {} corrections ({} train, {} validation), "
                 "{} optimizer steps, freeze {}, lr {} / backbone {}; on {} unseen scenes the base model scores mIoU "
                 "{:.4f} oIoU {:.4f}, the fine-tuned model mIoU {:.4f} oIoU {:.4f} ({:.0f} s in all)",
                 kCorrections, report->trainSamples, report->validationSamples, report->iterations,
                 fineTuneFreezeName(options.freeze), options.learningRate, options.backboneLearningRate,
                 kUnseenScenes, before.mIoU, before.oIoU, after.mIoU, after.oIoU, seconds);

    // Issue 7: "well above the base model's": at least 0.15 more mIoU and half as much again.
    EXPECT_GE(after.mIoU, before.mIoU + 0.15);
    EXPECT_GE(after.mIoU, 1.5 * before.mIoU);
    EXPECT_GT(after.oIoU, before.oIoU);
}

} // namespace
} // namespace refermap::engine
