#include "support/correction_project.h"

#include "support/temporary_folder.h"

#include <gdal_priv.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <utility>
#include <vector>

namespace refermap::testing {
namespace {

namespace fs = std::filesystem;

using CorrectionProjectTest = TemporaryFolderTest;

const fs::path realData = fs::path(TEST_DATA_DIR) / "real";
const fs::path rasterPath = realData / "road_mask_input.tif";
const fs::path roadMaskPath = realData / "sample_road_raster_mask.tif";

// The whole first band as bytes, row-major.
std::vector<std::uint8_t> readBytes(const fs::path& path, int& width, int& height)
{
    GDALAllRegister();
    GDALDatasetUniquePtr dataset(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER));
    EXPECT_TRUE(dataset) << path;
    if (!dataset)
        return {};
    width = dataset->GetRasterXSize();
    height = dataset->GetRasterYSize();
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(width) * height);
    EXPECT_EQ(dataset->GetRasterBand(1)->RasterIO(
                  GF_Read, 0, 0, width, height, bytes.data(), width, height, GDT_Byte, 0, 0, nullptr),
        CE_None);
    return bytes;
}

// An all-background mask on the raster's grid: what a query that found nothing wrote.
fs::path writeZeroMask(const fs::path& target, int width, int height)
{
    GDALAllRegister();
    GDALDatasetUniquePtr dataset(GetGDALDriverManager()->GetDriverByName("GTiff")->Create(
        target.c_str(), width, height, 1, GDT_Byte, nullptr));
    EXPECT_TRUE(dataset);
    std::vector<std::uint8_t> zeros(static_cast<std::size_t>(width) * height, 0);
    EXPECT_EQ(dataset->GetRasterBand(1)->RasterIO(
                  GF_Write, 0, 0, width, height, zeros.data(), width, height, GDT_Byte, 0, 0, nullptr),
        CE_None);
    return target;
}

class CorrectedLayerTest : public CorrectionProjectTest {
protected:
    void SetUp() override
    {
        CorrectionProjectTest::SetUp();
        road_ = readBytes(roadMaskPath, width_, height_);
        int rasterWidth = 0, rasterHeight = 0;
        readBytes(rasterPath, rasterWidth, rasterHeight);
        ASSERT_EQ(rasterWidth, width_);
        ASSERT_EQ(rasterHeight, height_);
        zeroMask_ = writeZeroMask(folder_ / "query_mask.tif", width_, height_);
    }

    // Restores the stored tiles over the layer's mask file, as the application does on open, and
    // compares every pixel with the corrected mask inside `region` and the query's (0) outside it.
    void expectRestoredMask(project::ProjectStore& store, std::int64_t layerId, const geo::MaskPixelRect& region)
    {
        auto layer = store.maskLayer(layerId);
        ASSERT_TRUE(layer) << layer.error().message();
        ASSERT_TRUE(layer->maskPath);
        auto mask = geo::EditableMask::open(*layer->maskPath);
        ASSERT_TRUE(mask) << mask.error().message();
        auto tiles = store.maskTiles(layerId);
        ASSERT_TRUE(tiles) << tiles.error().message();

        // Exactly the tiles meeting the region, each edited and of the mask's tile grid.
        std::set<std::pair<int, int>> expectedKeys;
        for (int row = region.y / 256; row <= (region.y + region.height - 1) / 256; ++row)
            for (int column = region.x / 256; column <= (region.x + region.width - 1) / 256; ++column)
                expectedKeys.insert({column, row});
        std::set<std::pair<int, int>> storedKeys;
        for (const project::MaskTile& tile : *tiles) {
            EXPECT_EQ(tile.key.size, geo::EditableMask::defaultTileSize);
            EXPECT_TRUE(tile.edited);
            const geo::MaskPixelRect rect = mask->tileRect(tile.key.x, tile.key.y);
            EXPECT_EQ(tile.bytes.size(), static_cast<std::size_t>(rect.width) * rect.height)
                << "tile (" << tile.key.x << ", " << tile.key.y << ") is cropped to the raster";
            storedKeys.insert({tile.key.x, tile.key.y});
            auto restored = mask->setTile(tile.key.x, tile.key.y, tile.bytes);
            ASSERT_TRUE(restored) << restored.error().message();
        }
        EXPECT_EQ(storedKeys, expectedKeys);

        std::size_t mismatches = 0;
        std::size_t foregroundInside = 0;
        for (int row = 0; row < mask->tileRows(); ++row) {
            for (int column = 0; column < mask->tileColumns(); ++column) {
                auto bytes = mask->tile(column, row);
                ASSERT_TRUE(bytes) << bytes.error().message();
                const geo::MaskPixelRect rect = mask->tileRect(column, row);
                for (int y = 0; y < rect.height; ++y) {
                    for (int x = 0; x < rect.width; ++x) {
                        const int px = rect.x + x, py = rect.y + y;
                        const bool inside = px >= region.x && px < region.x + region.width && py >= region.y
                            && py < region.y + region.height;
                        const std::uint8_t expected
                            = inside && road_[static_cast<std::size_t>(py) * width_ + px] > 0 ? 1 : 0;
                        const std::uint8_t actual = (*bytes)[static_cast<std::size_t>(y) * rect.width + x];
                        mismatches += actual != expected;
                        foregroundInside += inside && expected;
                    }
                }
            }
        }
        EXPECT_EQ(mismatches, 0u);
        EXPECT_GT(foregroundInside, 1000u) << "the region must hold roads for the comparison to mean anything";
    }

    std::vector<std::uint8_t> road_;
    int width_ = 0;
    int height_ = 0;
    fs::path zeroMask_;
};

TEST_F(CorrectedLayerTest, StoredTilesRestoreTheCorrectedMaskInsideTheRegionOnly)
{
    const fs::path projectPath = folder_ / "roads.refermap.gpkg";
    auto store = project::ProjectStore::create(projectPath);
    ASSERT_TRUE(store) << store.error().message();
    CorrectedLayerSpec spec;
    spec.rasterPath = rasterPath;
    spec.queryText = "roads";
    spec.queryMaskPath = zeroMask_;
    spec.correctedMaskPath = roadMaskPath;
    spec.region = {300, 100, 530, 500}; // not tile aligned: crosses tile borders both ways
    auto layerId = addCorrectedLayer(*store, spec);
    ASSERT_TRUE(layerId) << layerId.error().message();

    auto layer = store->maskLayer(*layerId);
    ASSERT_TRUE(layer);
    EXPECT_TRUE(layer->edited);
    EXPECT_EQ(layer->name, "roads");
    EXPECT_EQ(layer->queryText, "roads");
    EXPECT_EQ(layer->settingsJson, defaultCorrectionSettingsJson);
    ASSERT_TRUE(layer->maskPath);
    EXPECT_TRUE(fs::equivalent(*layer->maskPath, zeroMask_)) << layer->maskPath->string();
    auto raster = store->raster(layer->rasterId);
    ASSERT_TRUE(raster);
    // The same file (the data folder may be reached through a symbolic link).
    EXPECT_TRUE(fs::equivalent(raster->path, rasterPath)) << raster->path.string();
    expectRestoredMask(*store, *layerId, spec.region);

    // A second correction over the same raster, reaching its cropped edge tiles (1300 = 5*256 + 20).
    spec.queryText = "roads, again";
    spec.region = {700, 1000, 600, 300};
    auto second = addCorrectedLayer(*store, spec);
    ASSERT_TRUE(second) << second.error().message();
    EXPECT_EQ(store->rasters()->size(), 1u) << "the raster record is reused";
    EXPECT_EQ(store->maskLayer(*second)->rasterId, layer->rasterId);

    store = project::ProjectStore::open(projectPath);
    ASSERT_TRUE(store);
    expectRestoredMask(*store, *second, spec.region);
    EXPECT_TRUE(store->checkIntegrity());
}

TEST_F(CorrectedLayerTest, BadRegionsAndMasksAreRefusedWithoutALayer)
{
    auto store = project::ProjectStore::create(folder_ / "bad.refermap.gpkg");
    ASSERT_TRUE(store);
    CorrectedLayerSpec spec;
    spec.rasterPath = rasterPath;
    spec.queryText = "roads";
    spec.queryMaskPath = zeroMask_;
    spec.correctedMaskPath = roadMaskPath;
    for (const geo::MaskPixelRect& region :
        {geo::MaskPixelRect {1200, 0, 101, 10}, geo::MaskPixelRect {-1, 0, 10, 10}, geo::MaskPixelRect {0, 0, 0, 5}}) {
        spec.region = region;
        auto refused = addCorrectedLayer(*store, spec);
        ASSERT_FALSE(refused);
        EXPECT_EQ(refused.error().code(), ErrorCode::InvalidArgument) << refused.error().message();
    }
    spec.region = {0, 0, 10, 10};
    spec.correctedMaskPath = writeZeroMask(folder_ / "small.tif", 100, 100);
    auto wrongSize = addCorrectedLayer(*store, spec);
    ASSERT_FALSE(wrongSize);
    EXPECT_NE(wrongSize.error().message().find("small.tif"), std::string::npos) << wrongSize.error().message();
    EXPECT_TRUE(store->maskLayers()->empty());
}

} // namespace
} // namespace refermap::testing
