// External overviews for read-only rasters: GDAL must see the levels, the original must stay
// untouched, and a cancelled or refused run must leave no file behind.
#include "geo/overview_builder.h"

#include "geo/gdal_dataset.h"
#include "geo/gdal_environment.h"
#include "support/temporary_folder.h"

#include <gdal_priv.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <vector>

namespace refermap::geo {
namespace {

namespace fs = std::filesystem;

TEST(OverviewBuilderFactors, HalvesUntilTheSmallestSideIsBelowTheMinimum)
{
    EXPECT_EQ(OverviewBuilder::factorsFor(1000, 1000, 256), (std::vector<int> {2, 4}));
    EXPECT_EQ(OverviewBuilder::factorsFor(6000, 5000, 256), (std::vector<int> {2, 4, 8, 16, 32}));
    EXPECT_EQ(OverviewBuilder::factorsFor(100000, 300, 256), (std::vector<int> {2}));
    EXPECT_TRUE(OverviewBuilder::factorsFor(255, 4000, 256).empty());
    EXPECT_EQ(OverviewBuilder::factorsFor(512, 512, 256), (std::vector<int> {2, 4}));
}

class OverviewBuilderTest : public testing::TemporaryFolderTest {
protected:
    void SetUp() override
    {
        TemporaryFolderTest::SetUp();
        ensureGdalInitialised();
    }

    // A read-only UInt16 GTiff with a gradient, so averages are checkable.
    fs::path writeGradient(const std::string& name, int width, int height)
    {
        const fs::path path = folder() / name;
        GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GTiff");
        {
            GdalDatasetPtr dataset(driver->Create(path.c_str(), width, height, 1, GDT_UInt16, nullptr));
            EXPECT_TRUE(dataset);
            std::vector<std::uint16_t> row(static_cast<std::size_t>(width));
            for (int y = 0; y < height; ++y) {
                for (int x = 0; x < width; ++x)
                    row[static_cast<std::size_t>(x)] = static_cast<std::uint16_t>((x * 7 + y * 3) % 4000);
                EXPECT_EQ(dataset->GetRasterBand(1)->RasterIO(
                              GF_Write, 0, y, width, 1, row.data(), width, 1, GDT_UInt16, 0, 0, nullptr),
                    CE_None);
            }
        }
        fs::permissions(path, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
        return path;
    }

    std::set<std::string> filesInFolder() const
    {
        std::set<std::string> names;
        for (const auto& entry : fs::directory_iterator(folder()))
            names.insert(entry.path().filename().string());
        return names;
    }

    static std::string contents(const fs::path& path)
    {
        std::ifstream stream(path, std::ios::binary);
        return {std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>()};
    }
};

TEST_F(OverviewBuilderTest, BuildsAnExternalOvrThatGdalSees)
{
    const fs::path raster = writeGradient("gradient.tif", 1100, 600);
    const std::string original = contents(raster);
    ProgressFeedback progress(std::chrono::milliseconds(0));
    double last = 0.0;
    int updates = 0;
    progress.setListener([&](const ProgressUpdate& update) {
        EXPECT_GE(update.fraction, last);
        last = update.fraction;
        ++updates;
    });
    auto report = OverviewBuilder::build(raster, progress);
    ASSERT_TRUE(report) << report.error().message();
    EXPECT_EQ(report->factors, (std::vector<int> {2, 4}));
    EXPECT_EQ(report->overviewPath, fs::path(raster.string() + ".ovr"));
    EXPECT_EQ(filesInFolder(), (std::set<std::string> {"gradient.tif", "gradient.tif.ovr"}));
    EXPECT_EQ(contents(raster), original);
    EXPECT_GT(updates, 1);
    EXPECT_DOUBLE_EQ(last, 1.0);

    GdalDatasetPtr dataset(GDALDataset::Open(raster.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    ASSERT_TRUE(dataset);
    GDALRasterBand* band = dataset->GetRasterBand(1);
    ASSERT_EQ(band->GetOverviewCount(), 2);
    EXPECT_EQ(band->GetOverview(0)->GetXSize(), 550);
    EXPECT_EQ(band->GetOverview(0)->GetYSize(), 300);
    EXPECT_EQ(band->GetOverview(1)->GetXSize(), 275);
    EXPECT_EQ(band->GetOverview(1)->GetYSize(), 150);
    // AVERAGE: an overview pixel is the mean of the 2x2 pixels below.
    std::vector<std::uint16_t> full(4);
    std::uint16_t reduced = 0;
    ASSERT_EQ(band->RasterIO(GF_Read, 20, 10, 2, 2, full.data(), 2, 2, GDT_UInt16, 0, 0, nullptr), CE_None);
    ASSERT_EQ(band->GetOverview(0)->RasterIO(GF_Read, 10, 5, 1, 1, &reduced, 1, 1, GDT_UInt16, 0, 0, nullptr), CE_None);
    const double mean = (full[0] + full[1] + full[2] + full[3]) / 4.0;
    EXPECT_NEAR(reduced, mean, 0.5);
}

TEST_F(OverviewBuilderTest, CancelledRunLeavesNothing)
{
    const fs::path raster = writeGradient("big.tif", 3000, 3000);
    ProgressFeedback progress(std::chrono::milliseconds(0));
    progress.setListener([&](const ProgressUpdate& update) {
        if (update.fraction > 0.05)
            progress.cancel();
    });
    auto report = OverviewBuilder::build(raster, progress);
    ASSERT_FALSE(report);
    EXPECT_EQ(report.error().code(), ErrorCode::Cancelled);
    EXPECT_EQ(filesInFolder(), (std::set<std::string> {"big.tif"}));
    GdalDatasetPtr dataset(GDALDataset::Open(raster.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    EXPECT_EQ(dataset->GetRasterBand(1)->GetOverviewCount(), 0);
}

TEST_F(OverviewBuilderTest, ExistingOverviewsAreKeptUnlessReplacing)
{
    const fs::path raster = writeGradient("twice.tif", 600, 600);
    ProgressFeedback progress;
    ASSERT_TRUE(OverviewBuilder::build(raster, progress));
    const std::string first = contents(raster.string() + ".ovr");

    auto again = OverviewBuilder::build(raster, progress);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code(), ErrorCode::InvalidArgument);
    EXPECT_NE(again.error().message().find("twice.tif.ovr"), std::string::npos) << again.error().message();
    EXPECT_EQ(contents(raster.string() + ".ovr"), first);

    OverviewBuildOptions replace;
    replace.replaceExisting = true;
    replace.minimumSize = 100; // more levels this time
    auto replaced = OverviewBuilder::build(raster, progress, replace);
    ASSERT_TRUE(replaced) << replaced.error().message();
    EXPECT_EQ(replaced->factors, (std::vector<int> {2, 4, 8}));
    EXPECT_EQ(filesInFolder(), (std::set<std::string> {"twice.tif", "twice.tif.ovr"}));
    GdalDatasetPtr dataset(GDALDataset::Open(raster.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    EXPECT_EQ(dataset->GetRasterBand(1)->GetOverviewCount(), 3);
}

TEST_F(OverviewBuilderTest, RefusesInternalOverviewsAndNonRasters)
{
    const fs::path copy = folder() / "cogeo.tif";
    fs::copy_file(std::string(TEST_DATA_DIR) + "/real/cogeo.tif", copy);
    ProgressFeedback progress;
    auto internal = OverviewBuilder::build(copy, progress);
    ASSERT_FALSE(internal);
    EXPECT_EQ(internal.error().code(), ErrorCode::InvalidArgument);
    EXPECT_NE(internal.error().message().find("cogeo.tif"), std::string::npos);

    std::ofstream(folder() / "text.tif") << "not a raster";
    EXPECT_FALSE(OverviewBuilder::build(folder() / "text.tif", progress));
    EXPECT_EQ(filesInFolder(), (std::set<std::string> {"cogeo.tif", "text.tif"}));
}

TEST_F(OverviewBuilderTest, SmallRasterNeedsNoLevels)
{
    const fs::path raster = writeGradient("small.tif", 200, 300);
    ProgressFeedback progress;
    auto report = OverviewBuilder::build(raster, progress);
    ASSERT_TRUE(report);
    EXPECT_TRUE(report->factors.empty());
    EXPECT_TRUE(report->overviewPath.empty());
    EXPECT_EQ(filesInFolder(), (std::set<std::string> {"small.tif"}));
}

} // namespace
} // namespace refermap::geo
