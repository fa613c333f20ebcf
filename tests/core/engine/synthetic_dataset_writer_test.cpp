// The synthetic benchmark on disk: RefSegRS layout, GeoTIFFs GDAL reads with the right
// georeference, deterministic bytes, atomic folder, refusals, cancel, the demo scene.
#include "engine/referring_dataset.h"
#include "engine/synthetic_dataset_writer.h"
#include "engine/synthetic_scene_generator.h"
#include "support/temporary_folder.h"

#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <sstream>

namespace refermap::engine {
namespace {

namespace fs = std::filesystem;

std::string bytesOf(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::string> linesOf(const fs::path& path)
{
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

struct Raster {
    int width = 0;
    int height = 0;
    int bands = 0;
    std::vector<std::uint8_t> pixels; // band-interleaved by pixel
    double transform[6] = {};
    std::string epsg;
};

Raster readRaster(const fs::path& path)
{
    GDALAllRegister();
    Raster raster;
    GDALDataset* dataset = GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY);
    if (!dataset)
        return raster;
    raster.width = dataset->GetRasterXSize();
    raster.height = dataset->GetRasterYSize();
    raster.bands = dataset->GetRasterCount();
    dataset->GetGeoTransform(raster.transform);
    if (const OGRSpatialReference* srs = dataset->GetSpatialRef(); srs && srs->GetAuthorityCode(nullptr))
        raster.epsg = srs->GetAuthorityCode(nullptr);
    raster.pixels.resize(static_cast<std::size_t>(raster.width) * raster.height * raster.bands);
    EXPECT_EQ(dataset->GetRasterBand(1)->GetRasterDataType(), GDT_Byte);
    const CPLErr read = dataset->RasterIO(GF_Read, 0, 0, raster.width, raster.height, raster.pixels.data(), raster.width,
                                          raster.height, GDT_Byte, raster.bands, nullptr, raster.bands,
                                          static_cast<GSpacing>(raster.width) * raster.bands, 1, nullptr);
    EXPECT_EQ(read, CE_None);
    GDALClose(dataset);
    return raster;
}

class SyntheticDatasetWriterTest : public testing::TemporaryFolderTest {
protected:
    SyntheticDatasetSummary write(const fs::path& folder, std::uint64_t seed, std::size_t count, bool overwrite = false)
    {
        SyntheticDatasetOptions options;
        options.seed = seed;
        options.count = count;
        options.size = 96;
        options.overwrite = overwrite;
        ProgressFeedback feedback;
        return writeSyntheticDataset(folder, options, feedback).value();
    }
    static std::vector<fs::path> entries(const fs::path& folder)
    {
        std::vector<fs::path> result;
        for (const auto& entry : fs::directory_iterator(folder))
            result.push_back(entry.path().filename());
        std::sort(result.begin(), result.end());
        return result;
    }
};

TEST_F(SyntheticDatasetWriterTest, WritesTheRefSegRsLayoutWithGeoreferencedRasters)
{
    const fs::path out = folder() / "bench";
    const SyntheticDatasetSummary summary = write(out, 9, 20);
    EXPECT_EQ(summary.train, 16u);
    EXPECT_EQ(summary.val, 2u);
    EXPECT_EQ(summary.test, 2u);
    EXPECT_EQ(entries(folder()), std::vector<fs::path>{"bench"}); // no staging folder left
    EXPECT_EQ(entries(out), (std::vector<fs::path>{"images", "masks", "output_phrase_test.txt",
                                                   "output_phrase_train.txt", "output_phrase_val.txt",
                                                   "synthetic.json"}));
    const auto train = linesOf(out / "output_phrase_train.txt");
    const auto val = linesOf(out / "output_phrase_val.txt");
    ASSERT_EQ(train.size(), 16u);
    const auto test = linesOf(out / "output_phrase_test.txt");
    ASSERT_EQ(val.size(), 2u);
    ASSERT_EQ(test.size(), 2u);
    EXPECT_EQ(val[0].substr(0, val[0].find(' ')), syntheticStem(8));

    SyntheticSceneGenerator::Options options;
    options.size = 96;
    const auto generator = SyntheticSceneGenerator::create(9, options).value();
    for (std::size_t index : {0u, 8u, 19u}) {
        const SyntheticScene scene = generator.generate(index).value();
        const Raster image = readRaster(out / "images" / (syntheticStem(index) + ".tif"));
        ASSERT_EQ(image.bands, 3);
        EXPECT_EQ(image.width, 96);
        EXPECT_EQ(image.pixels, scene.image.pixels);
        EXPECT_EQ(image.epsg, "32633");
        EXPECT_DOUBLE_EQ(image.transform[1], 0.5);
        EXPECT_DOUBLE_EQ(image.transform[5], -0.5);
        EXPECT_GT(image.transform[0], 166000.0); // inside UTM zone 33N's eastings
        EXPECT_LT(image.transform[0] + 48.0, 834000.0);
        const Raster mask = readRaster(out / "masks" / (syntheticStem(index) + ".tif"));
        ASSERT_EQ(mask.bands, 1);
        EXPECT_EQ(mask.epsg, "32633");
        EXPECT_EQ(std::vector<double>(mask.transform, mask.transform + 6),
                  std::vector<double>(image.transform, image.transform + 6));
        ASSERT_EQ(mask.pixels.size(), scene.mask.pixels.size());
        for (std::size_t p = 0; p < mask.pixels.size(); ++p)
            ASSERT_EQ(mask.pixels[p], scene.mask.pixels[p] ? 255 : 0);
        const DatasetSplit split = syntheticSplit(index);
        const auto& lines = split == DatasetSplit::Train ? train : split == DatasetSplit::Val ? val : test;
        EXPECT_NE(std::find(lines.begin(), lines.end(), syntheticStem(index) + " " + scene.expression.text), lines.end());
    }
    const std::string description = bytesOf(out / "synthetic.json");
    EXPECT_NE(description.find("\"seed\": 9"), std::string::npos);
    EXPECT_NE(description.find("\"count\": 20"), std::string::npos);
    EXPECT_NE(description.find("\"version\": " + std::to_string(kSyntheticGeneratorVersion)), std::string::npos);
}

TEST_F(SyntheticDatasetWriterTest, TheDatasetLoaderReadsIt)
{
    const fs::path out = folder() / "bench";
    write(out, 4, 10);
    auto dataset = openReferringDataset(out, DatasetSplit::Train);
    ASSERT_TRUE(dataset) << dataset.error().message();
    ASSERT_EQ((*dataset)->size(), 8u);
    auto mask = (*dataset)->loadMask(0);
    ASSERT_TRUE(mask) << mask.error().message();
    const auto generator = SyntheticSceneGenerator::create(4, {96, 0}).value();
    const SyntheticScene scene = generator.generate(0).value();
    EXPECT_EQ(mask->pixels, scene.mask.pixels);
    EXPECT_EQ((*dataset)->ref(0).sentences, std::vector<std::string>{scene.expression.text});
}

TEST_F(SyntheticDatasetWriterTest, TargetCategoryIsPassedOnAndRecorded)
{
    SyntheticDatasetOptions options;
    options.seed = 6;
    options.count = 10;
    options.size = 96;
    options.targetCategory = SceneCategory::Airplane;
    ProgressFeedback feedback;
    const fs::path out = folder() / "airplanes";
    const SyntheticDatasetSummary summary = writeSyntheticDataset(out, options, feedback).value();
    EXPECT_EQ(summary.categories, (std::map<std::string, std::size_t>{{"airplane", 10u}}));
    SyntheticSceneGenerator::Options generatorOptions;
    generatorOptions.size = 96;
    generatorOptions.targetCategory = SceneCategory::Airplane;
    const auto generator = SyntheticSceneGenerator::create(6, generatorOptions).value();
    auto dataset = openReferringDataset(out, DatasetSplit::Train);
    ASSERT_TRUE(dataset) << dataset.error().message();
    ASSERT_EQ((*dataset)->size(), 8u);
    const SyntheticScene scene = generator.generate(0).value();
    EXPECT_EQ((*dataset)->loadMask(0).value().pixels, scene.mask.pixels);
    EXPECT_EQ((*dataset)->ref(0).sentences, std::vector<std::string>{scene.expression.text});
    const std::string description = bytesOf(out / "synthetic.json");
    EXPECT_NE(description.find("\"target_category\": \"airplane\""), std::string::npos) << description;

    // Unset, nothing is recorded: the default benchmark's files stay as they were.
    write(folder() / "default", 6, 2);
    EXPECT_EQ(bytesOf(folder() / "default" / "synthetic.json").find("target_category"), std::string::npos);
    EXPECT_EQ(bytesOf(folder() / "default" / "synthetic.json").find("target_colour"), std::string::npos);
}

TEST_F(SyntheticDatasetWriterTest, TargetColourIsPassedOnAndRecorded)
{
    SyntheticDatasetOptions options;
    options.seed = 6;
    options.count = 10;
    options.size = 96;
    options.kinds = {ExpressionKind::Attribute};
    options.targetColour = SceneColour::Purple;
    ProgressFeedback feedback;
    const fs::path out = folder() / "purple";
    ASSERT_TRUE(writeSyntheticDataset(out, options, feedback));
    SyntheticSceneGenerator::Options generatorOptions;
    generatorOptions.size = 96;
    generatorOptions.kinds = options.kinds;
    generatorOptions.targetColour = SceneColour::Purple;
    const auto generator = SyntheticSceneGenerator::create(6, generatorOptions).value();
    auto dataset = openReferringDataset(out, DatasetSplit::Train);
    ASSERT_TRUE(dataset) << dataset.error().message();
    for (std::size_t i = 0; i < (*dataset)->size(); ++i) {
        const SyntheticScene scene = generator.generate(i).value();
        EXPECT_EQ((*dataset)->loadMask(i).value().pixels, scene.mask.pixels);
        ASSERT_EQ((*dataset)->ref(i).sentences, std::vector<std::string>{scene.expression.text});
        EXPECT_NE(scene.expression.text.find("purple"), std::string::npos) << scene.expression.text;
    }
    const std::string description = bytesOf(out / "synthetic.json");
    EXPECT_NE(description.find("\"target_colour\": \"purple\""), std::string::npos) << description;
}

TEST_F(SyntheticDatasetWriterTest, SameSeedSameBytesOtherSeedOtherBytes)
{
    write(folder() / "a", 5, 10);
    write(folder() / "b", 5, 10);
    write(folder() / "c", 6, 10);
    for (const char* file : {"images/synthetic_000003.tif", "masks/synthetic_000003.tif", "output_phrase_train.txt",
                             "synthetic.json"}) {
        EXPECT_EQ(bytesOf(folder() / "a" / file), bytesOf(folder() / "b" / file)) << file;
        EXPECT_FALSE(bytesOf(folder() / "a" / file).empty()) << file;
    }
    EXPECT_NE(bytesOf(folder() / "a/images/synthetic_000003.tif"), bytesOf(folder() / "c/images/synthetic_000003.tif"));
    EXPECT_NE(bytesOf(folder() / "a/output_phrase_train.txt"), bytesOf(folder() / "c/output_phrase_train.txt"));
}

TEST_F(SyntheticDatasetWriterTest, RefusesANonEmptyFolderUnlessOverwriting)
{
    const fs::path out = folder() / "bench";
    fs::create_directory(out);
    write(out, 1, 3); // an empty folder is fine
    SyntheticDatasetOptions options;
    options.seed = 2;
    options.count = 3;
    options.size = 96;
    ProgressFeedback feedback;
    auto refused = writeSyntheticDataset(out, options, feedback);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code(), ErrorCode::InvalidArgument);
    EXPECT_NE(refused.error().message().find("--overwrite"), std::string::npos);
    const std::string before = bytesOf(out / "output_phrase_train.txt");
    write(out, 2, 3, true);
    EXPECT_NE(bytesOf(out / "output_phrase_train.txt"), before);
    EXPECT_EQ(entries(folder()), std::vector<fs::path>{"bench"});
}

TEST_F(SyntheticDatasetWriterTest, CancelledOrFailedRunsLeaveNothing)
{
    SyntheticDatasetOptions options;
    options.seed = 2;
    options.count = 50;
    options.size = 96;
    ProgressFeedback feedback(std::chrono::milliseconds(0));
    feedback.setListener([&](const ProgressUpdate& update) {
        if (update.fraction > 0.1)
            feedback.cancel();
    });
    auto cancelled = writeSyntheticDataset(folder() / "bench", options, feedback);
    ASSERT_FALSE(cancelled);
    EXPECT_EQ(cancelled.error().code(), ErrorCode::Cancelled);
    EXPECT_TRUE(entries(folder()).empty());

    ProgressFeedback plain;
    options.count = 0;
    auto noScenes = writeSyntheticDataset(folder() / "bench", options, plain);
    ASSERT_FALSE(noScenes);
    EXPECT_EQ(noScenes.error().code(), ErrorCode::InvalidArgument);
    options.count = 2;
    options.size = 20;
    EXPECT_EQ(writeSyntheticDataset(folder() / "bench", options, plain).error().code(), ErrorCode::InvalidArgument);
    options.size = 96;
    auto missingParent = writeSyntheticDataset(folder() / "no" / "such" / "bench", options, plain);
    ASSERT_FALSE(missingParent);
    EXPECT_EQ(missingParent.error().code(), ErrorCode::NotFound);
    EXPECT_TRUE(entries(folder()).empty());
}

TEST_F(SyntheticDatasetWriterTest, DemoSceneIsAGeoreferencedCog)
{
    DemoSceneOptions options;
    options.seed = 7;
    options.size = 512;
    options.objectScale = 256;
    options.maskPath = folder() / "demo-mask.tif";
    const fs::path file = folder() / "demo.tif";
    const SyntheticScene scene = writeDemoScene(file, options).value();
    EXPECT_FALSE(scene.expression.text.empty());
    const Raster image = readRaster(file);
    EXPECT_EQ(image.bands, 3);
    EXPECT_EQ(image.width, 512);
    EXPECT_EQ(image.epsg, "32633");
    EXPECT_DOUBLE_EQ(image.transform[1], 0.5);
    GDALDataset* dataset = GDALDataset::Open(file.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY);
    ASSERT_NE(dataset, nullptr);
    const char* layout = dataset->GetMetadataItem("LAYOUT", "IMAGE_STRUCTURE");
    EXPECT_STREQ(layout, "COG");
    EXPECT_GT(dataset->GetRasterBand(1)->GetOverviewCount(), 0);
    GDALClose(dataset);
    const Raster mask = readRaster(options.maskPath);
    ASSERT_EQ(mask.pixels.size(), scene.mask.pixels.size());
    for (std::size_t p = 0; p < mask.pixels.size(); ++p)
        ASSERT_EQ(mask.pixels[p], scene.mask.pixels[p] ? 255 : 0);
    EXPECT_EQ(entries(folder()), (std::vector<fs::path>{"demo-mask.tif", "demo.tif"}));
}

} // namespace
} // namespace refermap::engine
