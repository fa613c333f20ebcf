#include "project/project_store.h"

#include "project_sql.h"
#include "support/temporary_folder.h"

#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

namespace refermap::project {
namespace {

namespace fs = std::filesystem;

using TrainingSamplesTest = testing::TemporaryFolderTest;

using testing::sqlOnFile;

// A sample with random pixels (RGB noise does not compress: the worst case for the blobs) and a
// mask of 0/1 blobs.
TrainingSample makeSample(int x, int y, int width, int height, unsigned seed)
{
    std::mt19937 random(seed);
    TrainingSample sample;
    sample.info.queryText = "roads crossing the river #" + std::to_string(seed) + " (it's a test)";
    sample.info.x = x;
    sample.info.y = y;
    sample.info.width = width;
    sample.info.height = height;
    sample.info.validation = seed % 2 == 0;
    sample.info.positive = seed % 3 != 0;
    sample.info.layerEditsSha256 = std::string(64, static_cast<char>('a' + seed % 6));
    sample.rgb.resize(static_cast<std::size_t>(width) * height * 3);
    for (auto& byte : sample.rgb)
        byte = static_cast<std::uint8_t>(random() & 0xFF);
    sample.mask.assign(static_cast<std::size_t>(width) * height, 0);
    for (int row = height / 4; row < height / 2; ++row)
        for (int column = width / 3; column < width; ++column)
            sample.mask[static_cast<std::size_t>(row) * width + column] = 1;
    sample.mask.back() = 1;
    return sample;
}

struct Fixture {
    std::int64_t rasterId = 0;
    std::int64_t layerId = 0;
};

Fixture addRasterAndLayer(ProjectStore& store, const fs::path& rasterPath, const std::string& query)
{
    RasterRecord raster;
    raster.path = rasterPath;
    Fixture ids;
    ids.rasterId = *store.addRaster(raster);
    MaskLayerRecord layer;
    layer.rasterId = ids.rasterId;
    layer.queryText = query;
    ids.layerId = *store.addMaskLayer(layer);
    return ids;
}

void expectSameInfo(const TrainingSampleInfo& stored, const TrainingSampleInfo& given)
{
    EXPECT_EQ(stored.queryText, given.queryText);
    EXPECT_EQ(stored.x, given.x);
    EXPECT_EQ(stored.y, given.y);
    EXPECT_EQ(stored.width, given.width);
    EXPECT_EQ(stored.height, given.height);
    EXPECT_EQ(stored.validation, given.validation);
    EXPECT_EQ(stored.positive, given.positive);
    EXPECT_EQ(stored.layerEditsSha256, given.layerEditsSha256);
}

TEST_F(TrainingSamplesTest, NewProjectIsFormatThreeWithTheSampleTable)
{
    const fs::path path = folder_ / "new.refermap.gpkg";
    {
        auto store = ProjectStore::create(path);
        ASSERT_TRUE(store) << store.error().message();
        EXPECT_EQ(store->formatVersion(), 3);
        EXPECT_EQ(ProjectStore::currentFormatVersion, 3);
        auto samples = store->trainingSamples();
        ASSERT_TRUE(samples) << samples.error().message();
        EXPECT_TRUE(samples->empty());
    }
    EXPECT_EQ(sqlOnFile(path, "SELECT value FROM refermap_meta WHERE key = 'format_version'"), "3");
    EXPECT_EQ(sqlOnFile(path,
                  "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = "
                  "'refermap_training_samples' AND sql LIKE '%(layer_id)%'"),
        "1")
        << "samples are found per layer through an index";
}

TEST_F(TrainingSamplesTest, RoundTripIsByteExactAcrossReopen)
{
    const fs::path path = folder_ / "rt.refermap.gpkg";
    std::vector<TrainingSample> given {makeSample(0, 0, 64, 48, 1), makeSample(512, 256, 256, 256, 2),
        makeSample(7, 9, 1, 1, 3)};
    given[1].info.createdMs = 1700000000123;
    Fixture ids;
    const std::int64_t before = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now().time_since_epoch()).count();
    {
        auto store = ProjectStore::create(path);
        ASSERT_TRUE(store);
        ids = addRasterAndLayer(*store, folder_ / "ortho.tif", "roads");
        auto written = store->replaceTrainingSamples(ids.layerId, given);
        ASSERT_TRUE(written) << written.error().message();
    }
    auto store = ProjectStore::open(path);
    ASSERT_TRUE(store) << store.error().message();
    auto infos = store->trainingSamples(ids.layerId);
    ASSERT_TRUE(infos) << infos.error().message();
    ASSERT_EQ(infos->size(), given.size());
    for (std::size_t i = 0; i < given.size(); ++i) {
        const TrainingSampleInfo& info = (*infos)[i];
        SCOPED_TRACE(i);
        EXPECT_GT(info.id, 0);
        EXPECT_EQ(info.layerId, ids.layerId);
        EXPECT_EQ(info.rasterId, ids.rasterId);
        expectSameInfo(info, given[i].info);
        if (i == 1)
            EXPECT_EQ(info.createdMs, 1700000000123);
        else
            EXPECT_GE(info.createdMs, before) << "createdMs 0 becomes now";
        auto sample = store->trainingSample(info.id);
        ASSERT_TRUE(sample) << sample.error().message();
        EXPECT_EQ(sample->info.id, info.id);
        expectSameInfo(sample->info, given[i].info);
        EXPECT_EQ(sample->rgb, given[i].rgb);
        EXPECT_EQ(sample->mask, given[i].mask);
    }
    EXPECT_NE((*infos)[0].id, (*infos)[1].id);
    auto all = store->trainingSamples();
    ASSERT_TRUE(all);
    EXPECT_EQ(all->size(), given.size());
    auto missing = store->trainingSample(9999);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code(), ErrorCode::NotFound);
    EXPECT_NE(missing.error().message().find("refermap_training_samples/9999"), std::string::npos);
    EXPECT_TRUE(store->checkIntegrity());
}

TEST_F(TrainingSamplesTest, ReplaceMakesTheLayersSamplesExactlyTheGivenOnes)
{
    auto store = ProjectStore::create(folder_ / "replace.refermap.gpkg");
    ASSERT_TRUE(store);
    const Fixture first = addRasterAndLayer(*store, folder_ / "a.tif", "roads");
    MaskLayerRecord second;
    second.rasterId = first.rasterId;
    second.queryText = "rivers";
    const std::int64_t secondLayer = *store->addMaskLayer(second);

    ASSERT_TRUE(store->replaceTrainingSamples(first.layerId, {makeSample(0, 0, 8, 8, 1), makeSample(8, 0, 8, 8, 2)}));
    ASSERT_TRUE(store->replaceTrainingSamples(secondLayer, {makeSample(0, 8, 8, 8, 3)}));
    TrainingSample withStaleId = makeSample(16, 16, 4, 4, 4);
    withStaleId.info.id = 777;   // given ids are ignored
    withStaleId.info.layerId = secondLayer; // the argument decides the layer
    ASSERT_TRUE(store->replaceTrainingSamples(first.layerId, {withStaleId}));

    auto firstSamples = store->trainingSamples(first.layerId);
    ASSERT_TRUE(firstSamples);
    ASSERT_EQ(firstSamples->size(), 1u) << "the two earlier samples are gone";
    EXPECT_EQ((*firstSamples)[0].x, 16);
    EXPECT_NE((*firstSamples)[0].id, 777);
    EXPECT_EQ((*firstSamples)[0].layerId, first.layerId);
    auto secondSamples = store->trainingSamples(secondLayer);
    ASSERT_TRUE(secondSamples);
    ASSERT_EQ(secondSamples->size(), 1u) << "another layer's samples are untouched";
    EXPECT_EQ((*secondSamples)[0].y, 8);
    auto all = store->trainingSamples();
    ASSERT_TRUE(all);
    ASSERT_EQ(all->size(), 2u);
    EXPECT_EQ((*all)[0].layerId, first.layerId) << "listed by layer, then id";
    EXPECT_EQ((*all)[1].layerId, secondLayer);

    ASSERT_TRUE(store->replaceTrainingSamples(first.layerId, {}));
    EXPECT_TRUE(store->trainingSamples(first.layerId)->empty());
    ASSERT_TRUE(store->removeTrainingSamples(secondLayer));
    EXPECT_TRUE(store->trainingSamples()->empty());

    TrainingSample otherRaster = makeSample(0, 0, 2, 2, 5);
    otherRaster.info.rasterId = first.rasterId + 40;
    auto mixed = store->replaceTrainingSamples(first.layerId, {otherRaster});
    ASSERT_FALSE(mixed);
    EXPECT_EQ(mixed.error().code(), ErrorCode::InvalidArgument);
}

TEST_F(TrainingSamplesTest, BadSizesAreRefusedNamingTheSampleAndNothingIsWritten)
{
    auto store = ProjectStore::create(folder_ / "sizes.refermap.gpkg");
    ASSERT_TRUE(store);
    const Fixture ids = addRasterAndLayer(*store, folder_ / "a.tif", "roads");
    ASSERT_TRUE(store->replaceTrainingSamples(ids.layerId, {makeSample(0, 0, 8, 8, 1)}));

    TrainingSample shortRgb = makeSample(0, 0, 8, 8, 2);
    shortRgb.rgb.pop_back();
    TrainingSample longMask = makeSample(0, 0, 8, 8, 3);
    longMask.mask.push_back(0);
    TrainingSample empty = makeSample(0, 0, 8, 8, 4);
    empty.info.width = 0;
    TrainingSample negative = makeSample(0, 0, 8, 8, 5);
    negative.info.x = -1;
    int index = 0;
    for (const TrainingSample& bad : {shortRgb, longMask, empty, negative}) {
        SCOPED_TRACE(index);
        // The bad sample is the second one: the first one must not be written either.
        auto refused = store->replaceTrainingSamples(ids.layerId, {makeSample(0, 0, 4, 4, 9), bad});
        ASSERT_FALSE(refused);
        EXPECT_EQ(refused.error().code(), ErrorCode::InvalidArgument);
        EXPECT_NE(refused.error().message().find("sample 1"), std::string::npos) << refused.error().message();
        ++index;
    }
    auto kept = store->trainingSamples(ids.layerId);
    ASSERT_TRUE(kept);
    ASSERT_EQ(kept->size(), 1u) << "a refused replace leaves the stored samples as they were";
    EXPECT_EQ((*kept)[0].width, 8);
}

TEST_F(TrainingSamplesTest, UnknownLayerIsNotFound)
{
    auto store = ProjectStore::create(folder_ / "unknown.refermap.gpkg");
    ASSERT_TRUE(store);
    auto refused = store->replaceTrainingSamples(42, {makeSample(0, 0, 4, 4, 1)});
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code(), ErrorCode::NotFound);
    EXPECT_NE(refused.error().message().find("refermap_mask_layers/42"), std::string::npos)
        << refused.error().message();
    EXPECT_TRUE(store->trainingSamples()->empty());
}

TEST_F(TrainingSamplesTest, RemovingALayerOrRasterRemovesItsSamples)
{
    auto store = ProjectStore::create(folder_ / "cascade.refermap.gpkg");
    ASSERT_TRUE(store);
    const Fixture a = addRasterAndLayer(*store, folder_ / "a.tif", "roads");
    const Fixture b = addRasterAndLayer(*store, folder_ / "b.tif", "rivers");
    MaskLayerRecord alsoOnB;
    alsoOnB.rasterId = b.rasterId;
    alsoOnB.queryText = "bridges";
    const std::int64_t bridges = *store->addMaskLayer(alsoOnB);
    for (std::int64_t layer : {a.layerId, b.layerId, bridges})
        ASSERT_TRUE(store->replaceTrainingSamples(layer, {makeSample(0, 0, 4, 4, 1), makeSample(4, 4, 4, 4, 2)}));
    ASSERT_EQ(store->trainingSamples()->size(), 6u);

    ASSERT_TRUE(store->removeMaskLayer(a.layerId));
    EXPECT_TRUE(store->trainingSamples(a.layerId)->empty());
    EXPECT_EQ(store->trainingSamples()->size(), 4u);

    ASSERT_TRUE(store->removeRaster(b.rasterId));
    EXPECT_TRUE(store->trainingSamples()->empty()) << "both layers of raster b took their samples with them";
    EXPECT_TRUE(store->checkIntegrity());
}

TEST_F(TrainingSamplesTest, SaveSessionDroppingALayerRemovesItsSamples)
{
    auto store = ProjectStore::create(folder_ / "session.refermap.gpkg");
    ASSERT_TRUE(store);
    const Fixture kept = addRasterAndLayer(*store, folder_ / "a.tif", "roads");
    MaskLayerRecord dropped;
    dropped.rasterId = kept.rasterId;
    dropped.queryText = "rivers";
    const std::int64_t droppedId = *store->addMaskLayer(dropped);
    ASSERT_TRUE(store->replaceTrainingSamples(kept.layerId, {makeSample(0, 0, 4, 4, 1)}));
    ASSERT_TRUE(store->replaceTrainingSamples(droppedId, {makeSample(0, 0, 4, 4, 2), makeSample(0, 0, 4, 4, 3)}));

    ProjectSession session;
    session.rasters = *store->rasters();
    session.maskLayers = {*store->maskLayer(kept.layerId)};
    auto saved = store->saveSession(session);
    ASSERT_TRUE(saved) << saved.error().message();
    EXPECT_TRUE(store->trainingSamples(droppedId)->empty());
    auto remaining = store->trainingSamples();
    ASSERT_TRUE(remaining);
    ASSERT_EQ(remaining->size(), 1u) << "a layer the session keeps keeps its samples";
    EXPECT_EQ((*remaining)[0].layerId, kept.layerId);
}

TEST_F(TrainingSamplesTest, DamagedBlobIsInvalidDataNamingTheSample)
{
    const fs::path path = folder_ / "damaged.refermap.gpkg";
    std::int64_t damagedId = 0;
    std::int64_t intactId = 0;
    {
        auto store = ProjectStore::create(path);
        ASSERT_TRUE(store);
        const Fixture ids = addRasterAndLayer(*store, folder_ / "a.tif", "roads");
        ASSERT_TRUE(store->replaceTrainingSamples(ids.layerId, {makeSample(0, 0, 32, 32, 1), makeSample(0, 0, 32, 32, 2)}));
        auto infos = *store->trainingSamples();
        damagedId = infos[0].id;
        intactId = infos[1].id;
    }
    sqlOnFile(path, "UPDATE refermap_training_samples SET rgb = X'789C0011223344556677' WHERE id = "
            + std::to_string(damagedId));
    {
        auto store = ProjectStore::open(path);
        ASSERT_TRUE(store);
        auto infos = store->trainingSamples();
        ASSERT_TRUE(infos) << "listing reads no blobs: " << infos.error().message();
        EXPECT_EQ(infos->size(), 2u);
        auto damaged = store->trainingSample(damagedId);
        ASSERT_FALSE(damaged);
        EXPECT_EQ(damaged.error().code(), ErrorCode::InvalidData);
        const std::string message = damaged.error().message();
        EXPECT_NE(message.find("refermap_training_samples/" + std::to_string(damagedId)), std::string::npos) << message;
        EXPECT_NE(message.find("damaged.refermap.gpkg"), std::string::npos) << message;
        EXPECT_NE(message.find("RGB"), std::string::npos) << message;
        EXPECT_TRUE(store->trainingSample(intactId)) << "the other sample still reads";
    }
    // Valid deflate data that inflates to the wrong size (a swapped blob).
    sqlOnFile(path, "UPDATE refermap_training_samples SET mask_raw_size = mask_raw_size + 1 WHERE id = "
            + std::to_string(intactId));
    auto store = ProjectStore::open(path);
    ASSERT_TRUE(store);
    auto swapped = store->trainingSample(intactId);
    ASSERT_FALSE(swapped);
    EXPECT_EQ(swapped.error().code(), ErrorCode::InvalidData);
    EXPECT_NE(swapped.error().message().find("refermap_training_samples/" + std::to_string(intactId)),
        std::string::npos)
        << swapped.error().message();
    EXPECT_NE(swapped.error().message().find("mask"), std::string::npos) << swapped.error().message();
}

// A format-2 project as the previous ReferMap wrote it: the session tables, no sample table.
void lowerToFormatTwo(const fs::path& path)
{
    sqlOnFile(path, "DROP TABLE refermap_training_samples");
    sqlOnFile(path, "UPDATE refermap_meta SET value = '2' WHERE key = 'format_version'");
    ASSERT_EQ(sqlOnFile(path, "SELECT COUNT(*) FROM sqlite_master WHERE name LIKE 'refermap_training_samples%'"), "0");
}

TEST_F(TrainingSamplesTest, FormatTwoProjectIsUpgradedKeepingItsRecords)
{
    const fs::path path = folder_ / "v2.refermap.gpkg";
    Fixture ids;
    {
        auto store = ProjectStore::create(path);
        ASSERT_TRUE(store);
        ASSERT_TRUE(store->setValue("note", "kept across the upgrade"));
        ids = addRasterAndLayer(*store, folder_ / "a.tif", "roads");
        std::vector<std::uint8_t> tile(256 * 256, 0);
        tile[1000] = 1;
        ASSERT_TRUE(store->saveMaskTiles(ids.layerId, {{{1, 2, 256}, true, tile}}));
    }
    lowerToFormatTwo(path);
    {
        auto store = ProjectStore::open(path);
        ASSERT_TRUE(store) << store.error().message();
        EXPECT_EQ(store->openedFormatVersion(), 2);
        EXPECT_EQ(store->formatVersion(), 3);
        EXPECT_EQ(**store->value("note"), "kept across the upgrade");
        EXPECT_EQ(store->maskLayer(ids.layerId)->queryText, "roads");
        EXPECT_EQ(store->maskTiles(ids.layerId)->size(), 1u);
        auto written = store->replaceTrainingSamples(ids.layerId, {makeSample(0, 0, 16, 16, 1)});
        ASSERT_TRUE(written) << written.error().message();
        EXPECT_TRUE(store->checkIntegrity());
    }
    EXPECT_EQ(sqlOnFile(path, "SELECT value FROM refermap_meta WHERE key = 'format_version'"), "3");
    auto reopened = ProjectStore::open(path);
    ASSERT_TRUE(reopened) << reopened.error().message();
    EXPECT_EQ(reopened->openedFormatVersion(), 3);
    EXPECT_EQ(reopened->trainingSamples()->size(), 1u);
    EXPECT_TRUE(reopened->checkIntegrity());
}

TEST_F(TrainingSamplesTest, FailedUpgradeChangesNothingAndNamesBothFormats)
{
    const fs::path path = folder_ / "blocked.refermap.gpkg";
    ASSERT_TRUE(ProjectStore::create(path));
    lowerToFormatTwo(path);
    // Something of another tool's holds the name format 3's index needs: the upgrade's second
    // statement fails after its first one (the table) succeeded.
    sqlOnFile(path, "CREATE TABLE refermap_training_samples_layer (x INTEGER)");
    auto store = ProjectStore::open(path);
    ASSERT_FALSE(store);
    EXPECT_EQ(store.error().code(), ErrorCode::Io);
    const std::string message = store.error().message();
    EXPECT_NE(message.find("format 2 project to format 3"), std::string::npos) << message;
    EXPECT_NE(message.find("blocked.refermap.gpkg"), std::string::npos) << message;
    EXPECT_EQ(sqlOnFile(path, "SELECT value FROM refermap_meta WHERE key = 'format_version'"), "2");
    EXPECT_EQ(sqlOnFile(path, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'refermap_training_samples'"), "0")
        << "the upgrade is one transaction: the table it created is rolled back";
}

TEST_F(TrainingSamplesTest, FormatThreeWithoutTheSampleTableIsRefused)
{
    const fs::path path = folder_ / "broken.refermap.gpkg";
    ASSERT_TRUE(ProjectStore::create(path));
    sqlOnFile(path, "DROP TABLE refermap_training_samples");
    auto store = ProjectStore::open(path);
    ASSERT_FALSE(store);
    EXPECT_EQ(store.error().code(), ErrorCode::InvalidData);
    EXPECT_NE(store.error().message().find("refermap_training_samples"), std::string::npos)
        << store.error().message();
}

} // namespace
} // namespace refermap::project
