#include "project/project_store.h"

#include "project_sql.h"
#include "support/temporary_folder.h"

#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <thread>

#include <csignal>
#include <sys/wait.h>
#include <unistd.h>

namespace refermap::project {
namespace {

namespace fs = std::filesystem;

using ProjectStoreTest = testing::TemporaryFolderTest;

using testing::sqlOnFile;

MaskLayerRecord sampleLayer(std::int64_t rasterId)
{
    MaskLayerRecord layer;
    layer.rasterId = rasterId;
    layer.queryText = "buildings near the harbour";
    layer.settingsJson = R"({"model":"btdd.safetensors","hash":"ab12","tile":512,"overlap":64,"threshold":0.5})";
    layer.colour = "#12ab9F";
    layer.opacity = 0.35;
    layer.visible = false;
    layer.order = 3;
    layer.outline = true;
    layer.edited = true;
    layer.probabilityPath = fs::path("/data/out/harbour_prob.tif");
    layer.createdMs = 1700000000123;
    layer.modifiedMs = 1700000000456;
    return layer;
}

std::vector<std::uint8_t> randomBytes(std::size_t size, unsigned seed)
{
    std::mt19937 random(seed);
    std::vector<std::uint8_t> bytes(size);
    for (auto& byte : bytes)
        byte = static_cast<std::uint8_t>(random() & 0xFF);
    return bytes;
}

std::vector<std::uint8_t> mostlyZeroMask(int size, unsigned seed)
{
    std::vector<std::uint8_t> mask(static_cast<std::size_t>(size) * size, 0);
    std::mt19937 random(seed);
    for (int block = 0; block < 5; ++block) {
        const int x0 = static_cast<int>(random() % (size - 20));
        const int y0 = static_cast<int>(random() % (size - 20));
        for (int y = y0; y < y0 + 17; ++y)
            for (int x = x0; x < x0 + 13; ++x)
                mask[static_cast<std::size_t>(y) * size + x] = 255;
    }
    mask.back() = 1; // a lone byte at the very end must survive too
    return mask;
}

TEST_F(ProjectStoreTest, CreateWriteReopen)
{
    const fs::path path = folder_ / "harbour.refermap.gpkg";
    {
        auto store = ProjectStore::create(path);
        ASSERT_TRUE(store) << store.error().message();
        EXPECT_EQ(store->formatVersion(), ProjectStore::currentFormatVersion);
        ASSERT_TRUE(store->setValue("view.center", "482000 5210000"));
        ASSERT_TRUE(store->setValue("note", "it's the harbour"));
        ASSERT_TRUE(store->setValue("note", "the harbour, again"));
    }
    EXPECT_EQ(std::distance(fs::directory_iterator(folder_), fs::directory_iterator()), 1)
        << "no temporary or journal file is left behind";
    auto reopened = ProjectStore::open(path);
    ASSERT_TRUE(reopened) << reopened.error().message();
    EXPECT_EQ(**reopened->value("view.center"), "482000 5210000");
    EXPECT_EQ(**reopened->value("note"), "the harbour, again");
    EXPECT_FALSE(reopened->value("missing")->has_value());
    EXPECT_TRUE(reopened->checkIntegrity());
}

TEST_F(ProjectStoreTest, CreateRefusesToOverwrite)
{
    const fs::path path = folder_ / "taken.refermap.gpkg";
    std::ofstream(path) << "precious";
    auto store = ProjectStore::create(path);
    ASSERT_FALSE(store);
    EXPECT_NE(store.error().message().find("taken.refermap.gpkg"), std::string::npos);
    std::ifstream in(path);
    std::string content;
    in >> content;
    EXPECT_EQ(content, "precious");
}

TEST_F(ProjectStoreTest, OpenRefusesWhatIsNotAProject)
{
    auto missing = ProjectStore::open(folder_ / "none.refermap.gpkg");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code(), ErrorCode::NotFound);

    const fs::path text = folder_ / "text.refermap.gpkg";
    std::ofstream(text) << "not a database";
    auto notGpkg = ProjectStore::open(text);
    ASSERT_FALSE(notGpkg);
    EXPECT_EQ(notGpkg.error().code(), ErrorCode::InvalidData);
    EXPECT_NE(notGpkg.error().message().find("text.refermap.gpkg"), std::string::npos);

    // A valid GeoPackage from another tool.
    const fs::path plain = folder_ / "plain.gpkg";
    {
        GDALAllRegister();
        GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
        GDALDataset* dataset = driver->Create(plain.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
        ASSERT_NE(dataset, nullptr);
        dataset->CreateLayer("roads", nullptr, wkbLineString, nullptr);
        GDALClose(dataset);
    }
    auto foreign = ProjectStore::open(plain);
    ASSERT_FALSE(foreign);
    EXPECT_NE(foreign.error().message().find("not a ReferMap project"), std::string::npos);
}

TEST_F(ProjectStoreTest, NewerFormatIsRefusedWithBothVersions)
{
    const fs::path path = folder_ / "future.refermap.gpkg";
    ASSERT_TRUE(ProjectStore::create(path));
    sqlOnFile(path, "UPDATE refermap_meta SET value = '4' WHERE key = 'format_version'");
    auto store = ProjectStore::open(path);
    ASSERT_FALSE(store);
    EXPECT_EQ(store.error().code(), ErrorCode::Unsupported);
    EXPECT_NE(store.error().message().find("format 4"), std::string::npos) << store.error().message();
    EXPECT_NE(store.error().message().find("up to 3"), std::string::npos) << store.error().message();
    EXPECT_EQ(sqlOnFile(path, "SELECT value FROM refermap_meta WHERE key = 'format_version'"), "4")
        << "a refused project is left untouched";
}

TEST_F(ProjectStoreTest, VersionOneProjectIsUpgradedInPlace)
{
    // A format-1 project as the previous ReferMap wrote it: only refermap_meta.
    const fs::path path = folder_ / "old.refermap.gpkg";
    {
        GDALAllRegister();
        GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
        GDALDataset* dataset = driver->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
        ASSERT_NE(dataset, nullptr);
        for (const char* sql : {"CREATE TABLE refermap_meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)",
                 "INSERT INTO refermap_meta VALUES ('format_version', '1')",
                 "INSERT INTO refermap_meta VALUES ('note', 'kept across the upgrade')"})
            dataset->ExecuteSQL(sql, nullptr, nullptr);
        GDALClose(dataset);
    }
    {
        auto store = ProjectStore::open(path);
        ASSERT_TRUE(store) << store.error().message();
        EXPECT_EQ(store->openedFormatVersion(), 1);
        EXPECT_EQ(store->formatVersion(), 3);
        EXPECT_EQ(**store->value("note"), "kept across the upgrade");
        EXPECT_TRUE(store->rasters()->empty());
        EXPECT_TRUE(store->trainingSamples()->empty()) << "format 1 -> 3 adds the training sample table too";
        RasterRecord raster;
        raster.path = folder_ / "a.tif";
        ASSERT_TRUE(store->addRaster(raster));
    }
    EXPECT_EQ(sqlOnFile(path, "SELECT value FROM refermap_meta WHERE key = 'format_version'"), "3");
    auto reopened = ProjectStore::open(path);
    ASSERT_TRUE(reopened) << reopened.error().message();
    EXPECT_EQ(reopened->openedFormatVersion(), 3);
    EXPECT_EQ(reopened->rasters()->size(), 1u);
    EXPECT_TRUE(reopened->checkIntegrity());
}

TEST_F(ProjectStoreTest, VersionTwoWithoutItsTablesIsRefused)
{
    const fs::path path = folder_ / "broken.refermap.gpkg";
    ASSERT_TRUE(ProjectStore::create(path));
    sqlOnFile(path, "DROP TABLE refermap_mask_tiles");
    auto store = ProjectStore::open(path);
    ASSERT_FALSE(store);
    EXPECT_EQ(store.error().code(), ErrorCode::InvalidData);
    EXPECT_NE(store.error().message().find("refermap_mask_tiles"), std::string::npos) << store.error().message();
}

TEST_F(ProjectStoreTest, ManagedSettingsAreNotWritableFromOutside)
{
    auto store = ProjectStore::create(folder_ / "v.refermap.gpkg");
    ASSERT_TRUE(store);
    for (const char* key : {"format_version", "session_generation", "view_state"}) {
        auto result = store->setValue(key, "2");
        ASSERT_FALSE(result) << key;
        EXPECT_EQ(result.error().code(), ErrorCode::InvalidArgument);
        EXPECT_NE(result.error().message().find(key), std::string::npos);
    }
}

TEST_F(ProjectStoreTest, RastersRoundTrip)
{
    const fs::path path = folder_ / "r.refermap.gpkg";
    auto store = ProjectStore::create(path);
    ASSERT_TRUE(store);
    RasterRecord first;
    first.path = folder_ / "images" / "ortho.tif";
    first.displayName = "Ortho 2024 (it's RGB)";
    first.settingsJson = R"({"bands":[3,2,1],"stretch":{"low":2,"high":98}})";
    auto firstId = store->addRaster(first);
    ASSERT_TRUE(firstId) << firstId.error().message();
    RasterRecord second;
    second.path = "/vsizip//archive/scene.zip/scene.tif";
    second.displayName = "Scene";
    auto secondId = store->addRaster(second);
    ASSERT_TRUE(secondId);
    EXPECT_NE(*firstId, *secondId);

    RasterRecord taken = first;
    taken.id = *firstId;
    auto duplicate = store->addRaster(taken);
    ASSERT_FALSE(duplicate);
    EXPECT_NE(duplicate.error().message().find("refermap_rasters/" + std::to_string(*firstId)), std::string::npos);

    first.id = *firstId;
    first.displayName = "Ortho 2024, renamed";
    ASSERT_TRUE(store->updateRaster(first));
    RasterRecord ghost;
    ghost.id = 999;
    ghost.path = "/x.tif";
    auto missing = store->updateRaster(ghost);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code(), ErrorCode::NotFound);
    EXPECT_NE(missing.error().message().find("refermap_rasters/999"), std::string::npos);
    EXPECT_NE(missing.error().message().find("r.refermap.gpkg"), std::string::npos);

    store = ProjectStore::open(path);
    ASSERT_TRUE(store);
    auto list = store->rasters();
    ASSERT_TRUE(list) << list.error().message();
    ASSERT_EQ(list->size(), 2u);
    EXPECT_EQ((*list)[0].id, *firstId);
    EXPECT_EQ((*list)[0].path, first.path);
    EXPECT_EQ((*list)[0].displayName, "Ortho 2024, renamed");
    EXPECT_EQ((*list)[0].settingsJson, first.settingsJson);
    EXPECT_EQ((*list)[1].path, second.path) << "GDAL virtual paths are kept verbatim";
    EXPECT_EQ(store->raster(*secondId)->displayName, "Scene");

    ASSERT_TRUE(store->removeRaster(*secondId));
    EXPECT_EQ(store->rasters()->size(), 1u);
    EXPECT_EQ(store->removeRaster(*secondId).error().code(), ErrorCode::NotFound);
}

TEST_F(ProjectStoreTest, RasterPathsAreRelativeInsideTheProjectFolderAndAbsoluteOutside)
{
    const fs::path projectFolder = folder_ / "survey";
    const fs::path elsewhere = folder_ / "elsewhere" / "dem.tif";
    fs::create_directories(projectFolder / "data");
    std::ofstream(projectFolder / "data" / "ortho.tif") << "raster";
    {
        auto store = ProjectStore::create(projectFolder / "survey.refermap.gpkg");
        ASSERT_TRUE(store);
        RasterRecord inside;
        inside.path = projectFolder / "data" / "." / "ortho.tif";
        ASSERT_TRUE(store->addRaster(inside));
        RasterRecord outside;
        outside.path = elsewhere;
        ASSERT_TRUE(store->addRaster(outside));
        auto layerId = store->addMaskLayer([&] {
            MaskLayerRecord layer = sampleLayer(1);
            layer.maskPath = projectFolder / "data" / "mask.tif";
            return layer;
        }());
        ASSERT_TRUE(layerId) << layerId.error().message();
    }
    EXPECT_EQ(sqlOnFile(projectFolder / "survey.refermap.gpkg", "SELECT path FROM refermap_rasters WHERE id = 1"),
        "data/ortho.tif");
    EXPECT_EQ(sqlOnFile(projectFolder / "survey.refermap.gpkg", "SELECT path FROM refermap_rasters WHERE id = 2"),
        elsewhere.string());

    // Move the project together with its data: the inside raster follows, the outside one stays.
    const fs::path moved = folder_ / "moved" / "survey-copy";
    fs::create_directories(moved.parent_path());
    fs::rename(projectFolder, moved);
    auto store = ProjectStore::open(moved / "survey.refermap.gpkg");
    ASSERT_TRUE(store) << store.error().message();
    auto list = store->rasters();
    ASSERT_TRUE(list);
    ASSERT_EQ(list->size(), 2u);
    EXPECT_EQ((*list)[0].path, moved / "data" / "ortho.tif");
    EXPECT_TRUE(fs::exists((*list)[0].path));
    EXPECT_EQ((*list)[1].path, elsewhere);
    auto layer = store->maskLayer(1);
    ASSERT_TRUE(layer);
    EXPECT_EQ(*layer->maskPath, moved / "data" / "mask.tif");
    EXPECT_EQ(*layer->probabilityPath, fs::path("/data/out/harbour_prob.tif"));
}

TEST_F(ProjectStoreTest, MaskLayersRoundTripInOrder)
{
    const fs::path path = folder_ / "m.refermap.gpkg";
    auto store = ProjectStore::create(path);
    ASSERT_TRUE(store);
    RasterRecord raster;
    raster.path = folder_ / "ortho.tif";
    const std::int64_t rasterId = *store->addRaster(raster);

    MaskLayerRecord full = sampleLayer(rasterId);
    auto fullId = store->addMaskLayer(full);
    ASSERT_TRUE(fullId) << fullId.error().message();
    MaskLayerRecord plain;
    plain.rasterId = rasterId;
    plain.queryText = "roads";
    plain.order = 1;
    auto plainId = store->addMaskLayer(plain);
    ASSERT_TRUE(plainId);

    MaskLayerRecord badColour = plain;
    badColour.colour = "red";
    auto colourError = store->addMaskLayer(badColour);
    ASSERT_FALSE(colourError);
    EXPECT_EQ(colourError.error().code(), ErrorCode::InvalidArgument);
    MaskLayerRecord badOpacity = plain;
    badOpacity.opacity = 1.5;
    EXPECT_FALSE(store->addMaskLayer(badOpacity));
    MaskLayerRecord orphan = plain;
    orphan.rasterId = 77;
    auto orphanError = store->addMaskLayer(orphan);
    ASSERT_FALSE(orphanError);
    EXPECT_EQ(orphanError.error().code(), ErrorCode::NotFound);
    EXPECT_NE(orphanError.error().message().find("refermap_rasters/77"), std::string::npos);

    store = ProjectStore::open(path);
    ASSERT_TRUE(store);
    auto layers = store->maskLayers();
    ASSERT_TRUE(layers) << layers.error().message();
    ASSERT_EQ(layers->size(), 2u);
    const MaskLayerRecord& second = (*layers)[0]; // order 1 before order 3
    EXPECT_EQ(second.id, *plainId);
    EXPECT_EQ(second.name, "roads") << "the name defaults to the query text";
    EXPECT_FALSE(second.probabilityPath.has_value());
    EXPECT_FALSE(second.maskPath.has_value());
    EXPECT_GT(second.createdMs, 1700000000000) << "0 becomes now";
    EXPECT_EQ(second.createdMs, second.modifiedMs);
    const MaskLayerRecord& first = (*layers)[1];
    EXPECT_EQ(first.id, *fullId);
    EXPECT_EQ(first.rasterId, rasterId);
    EXPECT_EQ(first.name, full.queryText);
    EXPECT_EQ(first.queryText, full.queryText);
    EXPECT_EQ(first.settingsJson, full.settingsJson);
    EXPECT_EQ(first.colour, full.colour);
    EXPECT_EQ(first.opacity, full.opacity);
    EXPECT_EQ(first.visible, full.visible);
    EXPECT_EQ(first.order, full.order);
    EXPECT_EQ(first.outline, full.outline);
    EXPECT_EQ(first.edited, full.edited);
    EXPECT_EQ(first.probabilityPath, full.probabilityPath);
    EXPECT_EQ(first.createdMs, full.createdMs);
    EXPECT_EQ(first.modifiedMs, full.modifiedMs);

    MaskLayerRecord renamed = first;
    renamed.name = "Harbour buildings";
    renamed.order = 0;
    renamed.createdMs = 0; // keeps the stored one
    ASSERT_TRUE(store->updateMaskLayer(renamed));
    auto updated = store->maskLayer(*fullId);
    ASSERT_TRUE(updated);
    EXPECT_EQ(updated->name, "Harbour buildings");
    EXPECT_EQ(updated->createdMs, full.createdMs);
    EXPECT_GT(updated->modifiedMs, full.modifiedMs);
    EXPECT_EQ(store->maskLayers()->front().id, *fullId) << "order 0 now comes first";

    // Removing a layer removes its tiles; removing a raster removes its layers.
    ASSERT_TRUE(store->saveMaskTiles(*plainId, {MaskTile {{0, 0, 64}, true, randomBytes(100, 1)}}));
    ASSERT_TRUE(store->removeMaskLayer(*plainId));
    EXPECT_EQ(sqlOnFile(path, "SELECT COUNT(*) FROM refermap_mask_tiles"), "0");
    EXPECT_EQ(store->maskTiles(*plainId).error().code(), ErrorCode::NotFound);
    ASSERT_TRUE(store->removeRaster(rasterId));
    EXPECT_TRUE(store->maskLayers()->empty());
}

TEST_F(ProjectStoreTest, MaskTilesRoundTripByteExact)
{
    const fs::path path = folder_ / "t.refermap.gpkg";
    auto store = ProjectStore::create(path);
    ASSERT_TRUE(store);
    RasterRecord raster;
    raster.path = folder_ / "ortho.tif";
    const std::int64_t rasterId = *store->addRaster(raster);
    MaskLayerRecord layer;
    layer.rasterId = rasterId;
    layer.queryText = "trees";
    const std::int64_t layerId = *store->addMaskLayer(layer);

    const std::vector<MaskTile> tiles = {
        {{0, 0, 512}, true, mostlyZeroMask(512, 7)},
        {{1, 0, 512}, false, randomBytes(512 * 512, 8)},
        {{-3, 2, 256}, true, randomBytes(256 * 256 / 8, 9)}, // bit-packed: the store does not care
        {{4, 4, 512}, false, std::vector<std::uint8_t>(1, 0)},
    };
    ASSERT_TRUE(store->saveMaskTiles(layerId, tiles));
    // The mostly-zero mask is stored compressed.
    const std::string compressed = sqlOnFile(
        path, "SELECT length(data) FROM refermap_mask_tiles WHERE tile_x = 0 AND tile_y = 0 AND tile_size = 512");
    EXPECT_LT(std::stol(compressed), 512 * 512 / 20);

    store = ProjectStore::open(path);
    ASSERT_TRUE(store);
    auto all = store->maskTiles(layerId);
    ASSERT_TRUE(all) << all.error().message();
    ASSERT_EQ(all->size(), 4u);
    for (const MaskTile& expected : tiles) {
        auto found = std::find_if(all->begin(), all->end(), [&](const MaskTile& t) { return t.key == expected.key; });
        ASSERT_NE(found, all->end()) << expected.key.x << "," << expected.key.y;
        EXPECT_EQ(found->edited, expected.edited);
        EXPECT_TRUE(found->bytes == expected.bytes) << "tile " << expected.key.x << "," << expected.key.y;
    }
    auto edited = store->editedMaskTiles(layerId);
    ASSERT_TRUE(edited);
    ASSERT_EQ(edited->size(), 2u);
    EXPECT_TRUE(std::all_of(edited->begin(), edited->end(), [](const MaskTile& t) { return t.edited; }));
    auto editedKeys = store->editedMaskTileKeys(layerId);
    ASSERT_TRUE(editedKeys);
    EXPECT_EQ(editedKeys->size(), 2u);

    // Replacing one tile leaves the others; removing one removes only it.
    ASSERT_TRUE(store->saveMaskTiles(layerId, {{{1, 0, 512}, true, mostlyZeroMask(512, 11)}}));
    ASSERT_TRUE(store->removeMaskTiles(layerId, {{4, 4, 512}}));
    all = store->maskTiles(layerId);
    ASSERT_TRUE(all);
    ASSERT_EQ(all->size(), 3u);
    auto replaced = std::find_if(all->begin(), all->end(), [](const MaskTile& t) {
        return t.key == MaskTileKey {1, 0, 512};
    });
    ASSERT_NE(replaced, all->end());
    EXPECT_TRUE(replaced->edited);
    EXPECT_TRUE(replaced->bytes == mostlyZeroMask(512, 11));
    EXPECT_EQ(store->editedMaskTiles(layerId)->size(), 3u);

    // A bad tile fails the whole call: nothing of it is stored.
    auto bad = store->saveMaskTiles(
        layerId, {{{9, 9, 512}, true, randomBytes(10, 1)}, {{8, 8, 0}, true, randomBytes(10, 2)}});
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code(), ErrorCode::InvalidArgument);
    EXPECT_EQ(store->maskTiles(layerId)->size(), 3u);
    EXPECT_EQ(store->saveMaskTiles(999, tiles).error().code(), ErrorCode::NotFound);
}

TEST_F(ProjectStoreTest, CorruptTileBlobIsAnErrorNamingLayerAndTile)
{
    const fs::path path = folder_ / "c.refermap.gpkg";
    std::int64_t layerId = 0;
    {
        auto store = ProjectStore::create(path);
        ASSERT_TRUE(store);
        RasterRecord raster;
        raster.path = folder_ / "ortho.tif";
        MaskLayerRecord layer;
        layer.rasterId = *store->addRaster(raster);
        layer.queryText = "ships";
        layerId = *store->addMaskLayer(layer);
        ASSERT_TRUE(store->saveMaskTiles(
            layerId, {{{5, 6, 256}, true, mostlyZeroMask(256, 3)}, {{7, 8, 256}, true, mostlyZeroMask(256, 4)}}));
    }
    // Damaged bytes in one tile.
    sqlOnFile(path, "UPDATE refermap_mask_tiles SET data = X'789C0011223344556677' WHERE tile_x = 5");
    {
        auto store = ProjectStore::open(path);
        ASSERT_TRUE(store);
        auto tiles = store->maskTiles(layerId);
        ASSERT_FALSE(tiles);
        EXPECT_EQ(tiles.error().code(), ErrorCode::InvalidData);
        const std::string message = tiles.error().message();
        EXPECT_NE(message.find("refermap_mask_tiles/" + std::to_string(layerId)), std::string::npos) << message;
        EXPECT_NE(message.find("tile (5, 6)"), std::string::npos) << message;
        EXPECT_NE(message.find("c.refermap.gpkg"), std::string::npos) << message;
    }
    // Valid deflate data whose size does not match the record (a truncated or swapped blob).
    sqlOnFile(path, "DELETE FROM refermap_mask_tiles WHERE tile_x = 5");
    sqlOnFile(path, "UPDATE refermap_mask_tiles SET raw_size = raw_size - 1 WHERE tile_x = 7");
    auto store = ProjectStore::open(path);
    ASSERT_TRUE(store);
    auto tiles = store->editedMaskTiles(layerId);
    ASSERT_FALSE(tiles);
    EXPECT_NE(tiles.error().message().find("wrong size"), std::string::npos) << tiles.error().message();
    EXPECT_NE(tiles.error().message().find("tile (7, 8)"), std::string::npos) << tiles.error().message();
}

TEST_F(ProjectStoreTest, ViewStateRoundTrip)
{
    const fs::path path = folder_ / "v.refermap.gpkg";
    {
        auto store = ProjectStore::create(path);
        ASSERT_TRUE(store);
        EXPECT_FALSE(store->viewState()->has_value());
        ViewState view;
        view.centreX = 482000.125;
        view.centreY = 5210000.1;
        view.scale = 0.3;
        view.activeLayerId = 4;
        view.extentMinX = 481000;
        view.extentMinY = 5209000;
        view.extentMaxX = 483000.5;
        view.extentMaxY = 5211000.25;
        ASSERT_TRUE(store->setViewState(view));
    }
    auto store = ProjectStore::open(path);
    ASSERT_TRUE(store);
    auto view = store->viewState();
    ASSERT_TRUE(view) << view.error().message();
    ASSERT_TRUE(view->has_value());
    EXPECT_EQ((*view)->centreX, 482000.125);
    EXPECT_EQ((*view)->centreY, 5210000.1);
    EXPECT_EQ((*view)->scale, 0.3);
    EXPECT_EQ((*view)->rotationDegrees, 0.0);
    EXPECT_EQ((*view)->activeLayerId, std::optional<std::int64_t>(4));
    EXPECT_EQ((*view)->extentMaxX, 483000.5);
    EXPECT_EQ((*view)->extentMaxY, 5211000.25);

    sqlOnFile(path, "UPDATE refermap_meta SET value = '{\"centre_x\": 1' WHERE key = 'view_state'");
    store = ProjectStore::open(path);
    ASSERT_TRUE(store);
    auto broken = store->viewState();
    ASSERT_FALSE(broken);
    EXPECT_EQ(broken.error().code(), ErrorCode::InvalidData);
    EXPECT_NE(broken.error().message().find("view_state"), std::string::npos);
}

// --- sessions ----------------------------------------------------------------------------------

constexpr int maxTilesPerLayer = 12;

// A deterministic session for generation `g`: every record carries g, so a reader can tell whether
// what it sees is one complete save. Content varies (and grows in tiles) from one generation to the next.
ProjectSession sessionFor(std::int64_t g, const fs::path& dataFolder)
{
    ProjectSession session;
    const int rasterCount = 1 + static_cast<int>(g % 3);
    for (int i = 1; i <= rasterCount; ++i) {
        RasterRecord raster;
        raster.id = i;
        raster.path = dataFolder / ("raster" + std::to_string(i) + ".tif");
        raster.displayName = "raster " + std::to_string(i) + " gen " + std::to_string(g);
        raster.settingsJson = "{\"gen\":" + std::to_string(g) + "}";
        session.rasters.push_back(raster);
    }
    const int layerCount = 1 + static_cast<int>(g % 4);
    for (int j = 1; j <= layerCount; ++j) {
        MaskLayerRecord layer;
        layer.id = j;
        layer.rasterId = 1 + j % rasterCount;
        layer.queryText = "query " + std::to_string(j) + " gen " + std::to_string(g);
        layer.settingsJson = "{\"gen\":" + std::to_string(g) + ",\"pad\":\"" + std::string(g % 500, 'x') + "\"}";
        layer.order = -j;
        layer.edited = (g + j) % 2 == 0;
        layer.createdMs = 1000 + g;
        layer.modifiedMs = 2000 + g;
        session.maskLayers.push_back(layer);

        MaskTileChanges changes;
        changes.layerId = j;
        const int tileCount = 1 + static_cast<int>((g + j) % maxTilesPerLayer);
        for (int x = 0; x < maxTilesPerLayer; ++x) {
            if (x >= tileCount) {
                changes.removed.push_back({x, j, 128});
                continue;
            }
            MaskTile tile;
            tile.key = {x, j, 128};
            tile.edited = x % 2 == 0;
            tile.bytes = mostlyZeroMask(128, static_cast<unsigned>(g * 131 + j * 17 + x));
            for (int b = 0; b < 8; ++b)
                tile.bytes[b] = static_cast<std::uint8_t>(g >> (8 * b));
            changes.tiles.push_back(std::move(tile));
        }
        session.tileChanges.push_back(std::move(changes));
    }
    ViewState view;
    view.centreX = static_cast<double>(g);
    view.centreY = -static_cast<double>(g);
    view.scale = 1.5;
    view.activeLayerId = layerCount;
    session.view = view;
    return session;
}

// Checks that `store` holds exactly sessionFor(its generation): one complete save, nothing mixed.
void expectExactlyOneSession(const ProjectStore& store, const fs::path& dataFolder)
{
    auto generation = store.sessionGeneration();
    ASSERT_TRUE(generation) << generation.error().message();
    const std::int64_t g = *generation;
    auto loaded = store.loadSession();
    ASSERT_TRUE(loaded) << loaded.error().message();
    if (g == 0) {
        EXPECT_TRUE(loaded->rasters.empty());
        EXPECT_TRUE(loaded->maskLayers.empty());
        return;
    }
    const ProjectSession expected = sessionFor(g, dataFolder);
    ASSERT_EQ(loaded->rasters.size(), expected.rasters.size()) << "generation " << g;
    for (std::size_t i = 0; i < expected.rasters.size(); ++i) {
        EXPECT_EQ(loaded->rasters[i].id, expected.rasters[i].id);
        EXPECT_EQ(loaded->rasters[i].path, expected.rasters[i].path);
        EXPECT_EQ(loaded->rasters[i].displayName, expected.rasters[i].displayName) << "generation " << g;
        EXPECT_EQ(loaded->rasters[i].settingsJson, expected.rasters[i].settingsJson);
    }
    ASSERT_EQ(loaded->maskLayers.size(), expected.maskLayers.size()) << "generation " << g;
    // Layers are listed by order (-j): reverse of the session's order.
    for (std::size_t i = 0; i < expected.maskLayers.size(); ++i) {
        const MaskLayerRecord& want = expected.maskLayers[expected.maskLayers.size() - 1 - i];
        const MaskLayerRecord& got = loaded->maskLayers[i];
        EXPECT_EQ(got.id, want.id);
        EXPECT_EQ(got.rasterId, want.rasterId);
        EXPECT_EQ(got.queryText, want.queryText) << "generation " << g;
        EXPECT_EQ(got.settingsJson, want.settingsJson);
        EXPECT_EQ(got.edited, want.edited);
        EXPECT_EQ(got.modifiedMs, want.modifiedMs);
    }
    for (const MaskTileChanges& changes : expected.tileChanges) {
        auto tiles = store.maskTiles(changes.layerId);
        ASSERT_TRUE(tiles) << tiles.error().message();
        ASSERT_EQ(tiles->size(), changes.tiles.size()) << "layer " << changes.layerId << " generation " << g;
        for (std::size_t t = 0; t < tiles->size(); ++t) {
            EXPECT_TRUE((*tiles)[t].key == changes.tiles[t].key);
            EXPECT_EQ((*tiles)[t].edited, changes.tiles[t].edited);
            EXPECT_TRUE((*tiles)[t].bytes == changes.tiles[t].bytes)
                << "layer " << changes.layerId << " tile " << t << " generation " << g;
        }
    }
    ASSERT_TRUE(loaded->view.has_value());
    EXPECT_EQ(loaded->view->centreX, static_cast<double>(g));
    EXPECT_EQ(loaded->view->centreY, -static_cast<double>(g));
    EXPECT_EQ(loaded->view->activeLayerId, expected.view->activeLayerId);
}

TEST_F(ProjectStoreTest, SaveSessionRoundTripAndReplace)
{
    const fs::path path = folder_ / "s.refermap.gpkg";
    auto store = ProjectStore::create(path);
    ASSERT_TRUE(store);
    EXPECT_EQ(*store->sessionGeneration(), 0);
    for (std::int64_t g : {1, 2, 3, 4, 5, 6}) {
        // Generation 4 has fewer rasters and layers than 3: the extra ones (and tiles) must go.
        auto saved = store->saveSession(sessionFor(g, folder_));
        ASSERT_TRUE(saved) << saved.error().message();
        EXPECT_EQ(*saved, g);
        expectExactlyOneSession(*store, folder_);
    }
    store = ProjectStore::open(path);
    ASSERT_TRUE(store);
    expectExactlyOneSession(*store, folder_);
    EXPECT_EQ(sqlOnFile(path, "SELECT COUNT(*) FROM refermap_mask_layers WHERE id > 3"), "0");
}

TEST_F(ProjectStoreTest, SaveSessionIsAllOrNothing)
{
    const fs::path path = folder_ / "a.refermap.gpkg";
    auto store = ProjectStore::create(path);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->saveSession(sessionFor(7, folder_)));

    // Fails at the very end (a tile without size) after rasters and layers were written.
    ProjectSession bad = sessionFor(8, folder_);
    bad.tileChanges.back().tiles.back().key.size = 0;
    auto failed = store->saveSession(bad);
    ASSERT_FALSE(failed);
    EXPECT_EQ(failed.error().code(), ErrorCode::InvalidArgument);
    EXPECT_EQ(*store->sessionGeneration(), 1);
    // The store's generation is 1 but the content is generation 7's: compare by content.
    auto loaded = store->loadSession();
    ASSERT_TRUE(loaded);
    const ProjectSession seven = sessionFor(7, folder_);
    ASSERT_EQ(loaded->rasters.size(), seven.rasters.size());
    EXPECT_EQ(loaded->rasters[0].displayName, seven.rasters[0].displayName);
    EXPECT_EQ(loaded->view->centreX, 7.0);

    ProjectSession noIds = sessionFor(9, folder_);
    noIds.rasters[0].id = 0;
    EXPECT_EQ(store->saveSession(noIds).error().code(), ErrorCode::InvalidArgument);
    ProjectSession orphan = sessionFor(9, folder_);
    orphan.maskLayers[0].rasterId = 42;
    auto orphanError = store->saveSession(orphan);
    ASSERT_FALSE(orphanError);
    EXPECT_NE(orphanError.error().message().find("raster 42"), std::string::npos);
}

// The child side of the kill test: opens the project and saves ever newer sessions until killed,
// writing one byte to `progress` after each commit. Never returns (no gtest code runs in the child).
[[noreturn]] void saveSessionsForever(const fs::path& path, const fs::path& dataFolder, int progress)
{
    auto store = ProjectStore::open(path);
    if (!store)
        _exit(3);
    auto generation = store->sessionGeneration();
    if (!generation)
        _exit(4);
    for (std::int64_t g = *generation + 1;; ++g) {
        auto saved = store->saveSession(sessionFor(g, dataFolder));
        if (!saved || *saved != g)
            _exit(5);
        const char tick = 1;
        if (write(progress, &tick, 1) != 1)
            _exit(6);
    }
}

TEST_F(ProjectStoreTest, KillNineDuringAutosaveNeverCorruptsTheProject)
{
    const fs::path path = folder_ / "killed.refermap.gpkg";
    const fs::path journal = folder_ / "killed.refermap.gpkg-journal";
    ASSERT_TRUE(ProjectStore::create(path));
    const unsigned seed = std::random_device {}();
    std::mt19937 random(seed);
    std::uniform_int_distribution<int> delayUs(0, 60000);
    SCOPED_TRACE("seed " + std::to_string(seed));

    int killedWithJournal = 0;
    std::int64_t previous = 0;
    for (int round = 0; round < 20; ++round) {
        SCOPED_TRACE("round " + std::to_string(round));
        int pipeFds[2];
        ASSERT_EQ(pipe(pipeFds), 0);
        const pid_t child = fork();
        ASSERT_GE(child, 0);
        if (child == 0) {
            close(pipeFds[0]);
            saveSessionsForever(path, folder_, pipeFds[1]);
        }
        close(pipeFds[1]);
        // Wait for the first commit of this round (so every round makes progress), then kill at a
        // random moment of the following saves.
        char tick = 0;
        const bool committed = read(pipeFds[0], &tick, 1) == 1;
        if (committed)
            std::this_thread::sleep_for(std::chrono::microseconds(delayUs(random)));
        kill(child, SIGKILL);
        int status = 0;
        ASSERT_EQ(waitpid(child, &status, 0), child);
        close(pipeFds[0]);
        ASSERT_TRUE(committed) << "the saving child stopped before its first commit, exit status "
                               << (WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "the child failed on its own";
        if (fs::exists(journal))
            ++killedWithJournal;

        // SQLite's own check, straight through GDAL, before the store reads anything.
        EXPECT_EQ(sqlOnFile(path, "PRAGMA integrity_check"), "ok");
        auto store = ProjectStore::open(path);
        ASSERT_TRUE(store) << store.error().message();
        ASSERT_TRUE(store->checkIntegrity()) << store->checkIntegrity().error().message();
        const std::int64_t generation = *store->sessionGeneration();
        EXPECT_GT(generation, previous) << "each round commits at least once";
        previous = generation;
        expectExactlyOneSession(*store, folder_);
        if (HasFatalFailure() || HasNonfatalFailure())
            return;
    }
    // Informational: how often the kill landed inside a transaction (a hot journal was left).
    std::cout << "[ info ] " << previous << " sessions saved; " << killedWithJournal
              << " of 20 kills left a hot journal (seed " << seed << ")\n";
}

} // namespace
} // namespace refermap::project
