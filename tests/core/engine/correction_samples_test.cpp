// Training samples from a user's corrections (engine/correction_samples.h) and the dataset the
// trainer reads them through (engine/correction_dataset.h), on a real raster and a real road mask.
#include "engine/correction_dataset.h"
#include "engine/correction_samples.h"
#include "geo/raster_source.h"
#include "project/project_store.h"
#include "support/correction_project.h"
#include "support/temporary_folder.h"

#include <gdal_priv.h>
#include <gtest/gtest.h>

#include <cmath>

namespace {

namespace fs = std::filesystem;
using namespace refermap;

const fs::path realData = fs::path(TEST_DATA_DIR) / "real";

// A 1-band Byte GeoTIFF of `like`'s size and georeference, every pixel `value`.
void writeConstantMask(const fs::path& path, const fs::path& like, int value)
{
    GDALAllRegister();
    GDALDataset* source = static_cast<GDALDataset*>(GDALOpen(like.string().c_str(), GA_ReadOnly));
    ASSERT_NE(source, nullptr);
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GTiff");
    GDALDataset* mask = driver->Create(path.string().c_str(), source->GetRasterXSize(), source->GetRasterYSize(), 1,
                                       GDT_Byte, nullptr);
    double transform[6];
    if (source->GetGeoTransform(transform) == CE_None)
        mask->SetGeoTransform(transform);
    mask->SetProjection(source->GetProjectionRef());
    ASSERT_EQ(mask->GetRasterBand(1)->Fill(value), CE_None);
    GDALClose(mask);
    GDALClose(source);
}

std::vector<std::uint8_t> readMaskWindow(const fs::path& path, int x, int y, int width, int height)
{
    GDALDataset* dataset = static_cast<GDALDataset*>(GDALOpen(path.string().c_str(), GA_ReadOnly));
    std::vector<std::uint8_t> pixels(static_cast<std::size_t>(width) * height);
    EXPECT_EQ(dataset->GetRasterBand(1)->RasterIO(GF_Read, x, y, width, height, pixels.data(), width, height, GDT_Byte,
                                                  0, 0),
              CE_None);
    GDALClose(dataset);
    for (auto& value : pixels)
        value = value > 0 ? 1 : 0;
    return pixels;
}

class CorrectionSamplesTest : public refermap::testing::TemporaryFolderTest {
protected:
    void SetUp() override
    {
        TemporaryFolderTest::SetUp();
        raster = folder() / "road.tif";
        fs::copy_file(realData / "road_mask_input.tif", raster);
        queryMask = folder() / "query-mask.tif";
        writeConstantMask(queryMask, raster, 0);
        auto created = project::ProjectStore::create(folder() / "roads.refermap.gpkg");
        ASSERT_TRUE(created) << created.error().message();
        store = std::make_unique<project::ProjectStore>(std::move(*created));
    }

    std::int64_t addLayer(const geo::MaskPixelRect& region)
    {
        refermap::testing::CorrectedLayerSpec spec;
        spec.rasterPath = raster;
        spec.queryText = "the road";
        spec.queryMaskPath = queryMask;
        spec.correctedMaskPath = realData / "sample_road_raster_mask.tif";
        spec.region = region;
        auto id = refermap::testing::addCorrectedLayer(*store, spec);
        EXPECT_TRUE(id) << id.error().message();
        return id ? *id : 0;
    }

    Result<engine::CorrectionLayerSamples> take(std::int64_t layerId, engine::CorrectionSampleOptions options)
    {
        auto layer = store->maskLayer(layerId);
        EXPECT_TRUE(layer);
        ProgressFeedback feedback;
        ProgressRange range(feedback, 0.0, 1.0);
        return engine::takeCorrectionSamples(*store, *layer, options, range);
    }

    fs::path raster;
    fs::path queryMask;
    std::unique_ptr<project::ProjectStore> store;
};

TEST_F(CorrectionSamplesTest, ChipsCoverOnlyTheEditedTilesAndHoldTheCorrectedMaskAndTheQuerysPixels)
{
    // The user corrected the left half: tiles of columns 0..2 (pixels 0..767) are edited.
    const std::int64_t layer = addLayer({0, 0, 650, 1300});
    engine::CorrectionSampleOptions options;
    options.chipSize = 128;
    options.validationShare = 0.25;
    options.negativesPerPositive = 1000.0; // every chip kept: the placement is what this test checks
    auto taken = take(layer, options);
    ASSERT_TRUE(taken) << taken.error().message();
    EXPECT_TRUE(taken->taken);
    // 768 x 1300 covered by 128-pixel chips: 6 columns x 11 rows, evenly spread inside the box.
    EXPECT_EQ(taken->train + taken->validation, 66u);
    EXPECT_GT(taken->positive, 10u);
    EXPECT_LT(taken->positive, 66u); // some chips hold no road: negatives

    auto infos = store->trainingSamples(layer);
    ASSERT_TRUE(infos);
    ASSERT_EQ(infos->size(), 66u);
    std::size_t held = 0;
    for (const auto& info : *infos) {
        EXPECT_GE(info.x, 0);
        EXPECT_LE(info.x + info.width, 768) << "a chip reaches past the edited tiles";
        EXPECT_LE(info.y + info.height, 1300);
        EXPECT_EQ(info.queryText, "the road");
        held += info.validation ? 1 : 0;
    }
    EXPECT_EQ(held, taken->validation);
    EXPECT_GE(held, 2u); // positives and negatives each hold some out

    // Pixel-exact: a chip inside the region holds the real road mask there, one across x = 650 the
    // query's (empty) mask right of it, and its image is the raster window after the stretch.
    auto source = geo::RasterSource::open(raster);
    ASSERT_TRUE(source);
    const auto road = realData / "sample_road_raster_mask.tif";
    for (const auto& info : *infos) {
        auto sample = store->trainingSample(info.id);
        ASSERT_TRUE(sample) << sample.error().message();
        auto expected = readMaskWindow(road, info.x, info.y, info.width, info.height);
        for (int row = 0; row < info.height; ++row) {
            for (int column = 0; column < info.width; ++column) {
                const std::size_t i = static_cast<std::size_t>(row) * info.width + column;
                if (info.x + column >= 650)
                    expected[i] = 0;
                ASSERT_EQ(sample->mask[i], expected[i]) << "sample " << info.id << " at " << column << "," << row;
            }
        }
        EXPECT_EQ(info.positive, std::any_of(expected.begin(), expected.end(), [](auto v) { return v != 0; }));
        auto window = source->readWindow(info.x, info.y, info.width, info.height);
        ASSERT_TRUE(window);
        const std::size_t pixels = static_cast<std::size_t>(info.width) * info.height;
        for (std::size_t i = 0; i < pixels; i += 97) {
            for (std::size_t channel = 0; channel < 3; ++channel) {
                const int value = static_cast<int>(std::lround(window->pixels[channel * pixels + i] * 255.0f));
                ASSERT_EQ(sample->rgb[i * 3 + channel], value);
            }
        }
    }
}

TEST_F(CorrectionSamplesTest, NegativesAreKeptOnePerPositiveByDefault)
{
    const std::int64_t layer = addLayer({0, 0, 650, 1300});
    engine::CorrectionSampleOptions options;
    options.chipSize = 128;
    auto taken = take(layer, options);
    ASSERT_TRUE(taken) << taken.error().message();
    // Of the 66 chips, the road crosses some; as many road-free chips are kept, at random.
    EXPECT_GT(taken->positive, 10u);
    EXPECT_EQ(taken->train + taken->validation, 2 * taken->positive);
}

TEST_F(CorrectionSamplesTest, SamplesAreRetakenOnlyWhenTheEditsChange)
{
    const std::int64_t layer = addLayer({0, 0, 300, 300});
    engine::CorrectionSampleOptions options;
    options.chipSize = 128;
    auto first = take(layer, options);
    ASSERT_TRUE(first) << first.error().message();
    ASSERT_TRUE(first->taken);
    auto before = store->trainingSamples(layer);
    ASSERT_TRUE(before);

    auto again = take(layer, options);
    ASSERT_TRUE(again);
    EXPECT_FALSE(again->taken);
    auto same = store->trainingSamples(layer);
    ASSERT_TRUE(same);
    ASSERT_EQ(same->size(), before->size());
    EXPECT_EQ(same->front().id, before->front().id);

    // The user paints more: one tile changes.
    auto tiles = store->editedMaskTiles(layer);
    ASSERT_TRUE(tiles);
    auto changed = tiles->front();
    std::fill(changed.bytes.begin(), changed.bytes.begin() + 1000, 1);
    ASSERT_TRUE(store->saveMaskTiles(layer, {changed}));
    auto retaken = take(layer, options);
    ASSERT_TRUE(retaken);
    EXPECT_TRUE(retaken->taken);
    auto after = store->trainingSamples(layer);
    ASSERT_TRUE(after);
    EXPECT_NE(after->front().layerEditsSha256, before->front().layerEditsSha256);
}

TEST_F(CorrectionSamplesTest, AMissingRasterIsNamedUnlessSamplesAreStored)
{
    const std::int64_t layer = addLayer({0, 0, 300, 300});
    engine::CorrectionSampleOptions options;
    options.chipSize = 128;
    fs::rename(raster, folder() / "moved.tif");
    auto missing = take(layer, options);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code(), ErrorCode::NotFound);
    EXPECT_NE(missing.error().message().find("road.tif"), std::string::npos) << missing.error().message();
    EXPECT_NE(missing.error().message().find("refermap_mask_layers/" + std::to_string(layer)), std::string::npos);
    auto none = store->trainingSamples(layer);
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->empty());

    // With samples stored, a moved raster costs nothing: they are used as they are.
    fs::rename(folder() / "moved.tif", raster);
    ASSERT_TRUE(take(layer, options));
    auto tiles = store->editedMaskTiles(layer);
    ASSERT_TRUE(tiles);
    auto changed = tiles->front();
    changed.bytes[0] ^= 1;
    ASSERT_TRUE(store->saveMaskTiles(layer, {changed}));
    fs::rename(raster, folder() / "moved.tif");
    auto kept = take(layer, options);
    ASSERT_TRUE(kept) << kept.error().message();
    EXPECT_TRUE(kept->rasterMissing);
    EXPECT_FALSE(kept->taken);
    EXPECT_GT(kept->train + kept->validation, 0u);
}

TEST_F(CorrectionSamplesTest, TheDatasetServesTrainAndHeldOutSamplesFromTheProjectFile)
{
    const std::int64_t first = addLayer({0, 0, 650, 650});
    const std::int64_t second = addLayer({700, 700, 500, 500});
    engine::CorrectionSampleOptions options;
    options.chipSize = 128;
    ASSERT_TRUE(take(first, options));
    ASSERT_TRUE(take(second, options));
    auto all = store->trainingSamples();
    ASSERT_TRUE(all);

    auto train = engine::openReferringDataset(store->path(), engine::DatasetSplit::Train);
    ASSERT_TRUE(train) << train.error().message();
    auto val = engine::openReferringDataset(store->path(), engine::DatasetSplit::Val);
    ASSERT_TRUE(val);
    EXPECT_EQ((*train)->size() + (*val)->size(), all->size());
    EXPECT_GT((*val)->size(), 0u);
    auto onlySecond = engine::CorrectionDataset::open(store->path(), engine::DatasetSplit::Train, {second});
    ASSERT_TRUE(onlySecond);
    EXPECT_LT((*onlySecond)->size(), (*train)->size());
    for (std::size_t i = 0; i < (*onlySecond)->size(); ++i)
        EXPECT_EQ((*onlySecond)->sample(i).layerId, second);

    const auto& dataset = **train;
    ASSERT_EQ(dataset.ref(0).sentences, std::vector<std::string>{"the road"});
    auto image = dataset.loadImage(0);
    auto mask = dataset.loadMask(0);
    ASSERT_TRUE(image && mask);
    EXPECT_EQ(image->width, 128);
    EXPECT_EQ(image->pixels.size(), 128u * 128u * 3u);
    EXPECT_EQ(mask->pixels.size(), 128u * 128u);
}

} // namespace
