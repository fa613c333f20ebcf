#include "geo/mask_writer.h"

#include "geo/raster_info.h"
#include "support/temporary_folder.h"

#include <gdal_priv.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>

namespace refermap::geo {
namespace {

namespace fs = std::filesystem;

class MaskWriterTest : public testing::TemporaryFolderTest {
protected:
    static constexpr int width = 700;
    static constexpr int height = 530;
    const std::array<double, 6> transform{500000.0, 0.5, 0.0, 4200000.0, 0.0, -0.5};

    static std::string utm33()
    {
        OGRSpatialReference srs;
        srs.importFromEPSG(32633);
        char* wkt = nullptr;
        srs.exportToWkt(&wkt);
        std::string text = wkt;
        CPLFree(wkt);
        return text;
    }

    static float value(int x, int y) { return static_cast<float>((x + 2 * y) % 256) / 255.0f; }

    // Writes the pattern in strips of 100 rows; pixels with x < 10 have no data.
    static void writePattern(MaskWriter& writer)
    {
        for (int first = 0; first < height; first += 100) {
            StitchedRows rows;
            rows.firstRow = first;
            rows.rowCount = std::min(100, height - first);
            rows.width = width;
            for (int y = first; y < first + rows.rowCount; ++y)
                for (int x = 0; x < width; ++x) {
                    rows.probabilities.push_back(value(x, y));
                    rows.valid.push_back(x >= 10 ? 1 : 0);
                }
            ASSERT_TRUE(writer.writeRows(rows));
        }
    }

    std::size_t entries() const
    {
        return static_cast<std::size_t>(std::distance(fs::directory_iterator(folder()), fs::directory_iterator()));
    }
};

TEST_F(MaskWriterTest, WritesACloudOptimisedProbabilityMask)
{
    const fs::path target = folder() / "probability.tif";
    auto writer = MaskWriter::create(target, width, height, transform, utm33());
    ASSERT_TRUE(writer) << writer.error().message();
    writePattern(*writer);
    EXPECT_FALSE(fs::exists(target)) << "nothing is published before finish()";
    ASSERT_TRUE(writer->finish());
    EXPECT_EQ(entries(), 1u) << "no temporary file is left behind";

    auto info = readRasterInfo(target);
    ASSERT_TRUE(info) << info.error().message();
    EXPECT_EQ(info->layout, "COG");
    EXPECT_EQ(info->width, width);
    EXPECT_EQ(info->crs->epsg, std::optional<int>(32633));
    EXPECT_EQ(*info->geoTransform, transform);
    EXPECT_FALSE(info->bands[0].overviews.empty());
    EXPECT_EQ(info->datasetMaskFlags, std::vector<std::string>{"PER_DATASET"});

    GdalDatasetPtr dataset(GDALDataset::Open(target.c_str(), GDAL_OF_RASTER));
    ASSERT_TRUE(dataset);
    std::vector<std::uint8_t> values(static_cast<std::size_t>(width) * height);
    std::vector<std::uint8_t> mask(values.size());
    GDALRasterBand* band = dataset->GetRasterBand(1);
    ASSERT_EQ(band->RasterIO(GF_Read, 0, 0, width, height, values.data(), width, height, GDT_Byte, 0, 0, nullptr), CE_None);
    ASSERT_EQ(band->GetMaskBand()->RasterIO(GF_Read, 0, 0, width, height, mask.data(), width, height, GDT_Byte, 0, 0,
                                            nullptr),
              CE_None);
    for (int y = 0; y < height; y += 7)
        for (int x = 0; x < width; x += 5) {
            const std::size_t i = static_cast<std::size_t>(y) * width + x;
            EXPECT_EQ(mask[i], x >= 10 ? 255 : 0) << x << "," << y;
            if (x >= 10) {
                ASSERT_EQ(values[i], std::lround(value(x, y) * 255.0f)) << x << "," << y;
            }
        }
}

// stage() hands out the finished intermediate (what the query vectorises while the COG is written):
// the same pixels and mask as the published COG, readable during finish(), gone with the writer.
TEST_F(MaskWriterTest, TheStagedMaskHoldsThePublishedPixels)
{
    const fs::path target = folder() / "probability.tif";
    const auto pixelsOf = [](GDALDataset& dataset) {
        std::vector<std::uint8_t> values(static_cast<std::size_t>(width) * height * 2);
        GDALRasterBand* band = dataset.GetRasterBand(1);
        EXPECT_EQ(band->RasterIO(GF_Read, 0, 0, width, height, values.data(), width, height, GDT_Byte, 0, 0, nullptr),
                  CE_None);
        EXPECT_EQ(band->GetMaskBand()->RasterIO(GF_Read, 0, 0, width, height, values.data() + values.size() / 2, width,
                                                height, GDT_Byte, 0, 0, nullptr),
                  CE_None);
        return values;
    };
    fs::path stagedPath;
    {
        auto writer = MaskWriter::create(target, width, height, transform, utm33());
        ASSERT_TRUE(writer) << writer.error().message();
        writePattern(*writer);
        auto staged = writer->stage();
        ASSERT_TRUE(staged) << staged.error().message();
        stagedPath = *staged;
        EXPECT_FALSE(fs::exists(target)) << "staging publishes nothing";
        GdalDatasetPtr reading(GDALDataset::Open(stagedPath.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
        ASSERT_TRUE(reading) << stagedPath;
        EXPECT_EQ(reading->GetRasterXSize(), width);
        const std::vector<std::uint8_t> before = pixelsOf(*reading);
        ASSERT_TRUE(writer->finish());
        EXPECT_TRUE(fs::exists(stagedPath)) << "the staged mask stays while the writer lives";
        EXPECT_EQ(pixelsOf(*reading), before) << "finish() must not change what was staged";
        GdalDatasetPtr published(GDALDataset::Open(target.c_str(), GDAL_OF_RASTER));
        ASSERT_TRUE(published);
        EXPECT_EQ(pixelsOf(*published), before);
        EXPECT_EQ(std::count(before.begin() + width * height, before.end(), 255), (width - 10) * height)
            << "the staged mask's validity is there too";
        EXPECT_FALSE(writer->stage()) << "a published mask cannot be staged again";
    }
    EXPECT_FALSE(fs::exists(stagedPath));
    EXPECT_EQ(entries(), 1u);
}

TEST_F(MaskWriterTest, BinaryMasksThreshold)
{
    const fs::path target = folder() / "binary.tif";
    MaskWriterOptions options;
    options.kind = MaskKind::Binary;
    options.threshold = 0.5;
    auto writer = MaskWriter::create(target, width, height, transform, utm33(), options);
    ASSERT_TRUE(writer);
    writePattern(*writer);
    ASSERT_TRUE(writer->finish());
    GdalDatasetPtr dataset(GDALDataset::Open(target.c_str(), GDAL_OF_RASTER));
    ASSERT_TRUE(dataset);
    std::uint8_t pixel = 9;
    ASSERT_EQ(dataset->GetRasterBand(1)->RasterIO(GF_Read, 200, 100, 1, 1, &pixel, 1, 1, GDT_Byte, 0, 0, nullptr), CE_None);
    EXPECT_EQ(pixel, value(200, 100) >= 0.5f ? 1 : 0);
}

TEST_F(MaskWriterTest, AbandonedOrCancelledWritesLeaveNothing)
{
    {
        auto writer = MaskWriter::create(folder() / "abandoned.tif", width, height, transform, utm33());
        ASSERT_TRUE(writer);
        writePattern(*writer);
    }
    EXPECT_EQ(entries(), 0u);

    std::ofstream(folder() / "cancelled.tif") << "the old mask";
    auto writer = MaskWriter::create(folder() / "cancelled.tif", width, height, transform, utm33());
    ASSERT_TRUE(writer);
    writePattern(*writer);
    ProgressFeedback feedback(std::chrono::milliseconds(0));
    feedback.cancel();
    ProgressRange range(feedback, 0.0, 1.0);
    auto finished = writer->finish(&range);
    ASSERT_FALSE(finished);
    EXPECT_EQ(finished.error().code(), ErrorCode::Cancelled);
    writer = Error(ErrorCode::Cancelled, "dropped"); // destroy the writer
    EXPECT_EQ(entries(), 1u);
    std::ifstream in(folder() / "cancelled.tif");
    std::string old;
    std::getline(in, old);
    EXPECT_EQ(old, "the old mask") << "a cancelled write never replaces the previous file";
}

TEST_F(MaskWriterTest, IncompleteMasksAndBadTargetsAreRefused)
{
    auto writer = MaskWriter::create(folder() / "partial.tif", width, height, transform, utm33());
    ASSERT_TRUE(writer);
    auto finished = writer->finish();
    ASSERT_FALSE(finished);
    EXPECT_NE(finished.error().message().find("incomplete"), std::string::npos);

    std::ofstream(folder() / "a-file") << "x";
    auto impossible = MaskWriter::create(folder() / "a-file" / "mask.tif", width, height, transform, utm33());
    ASSERT_FALSE(impossible);
    EXPECT_NE(impossible.error().message().find("a-file"), std::string::npos);
}

} // namespace
} // namespace refermap::geo
