// PercentileStretch: exact nearest-rank percentiles from histograms (integer bands) and sorted
// samples (Float32), nodata / mask / alpha awareness, degenerate bands, overview and block sampling
// with a bounded number of pixels read.
#include "geo/percentile_stretch.h"

#include "geo/gdal_dataset.h"
#include "geo/gdal_environment.h"
#include "support/temporary_folder.h"

#include <gdal_priv.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <random>
#include <sstream>
#include <vector>

namespace refermap::geo {
namespace {

namespace fs = std::filesystem;

// Nearest-rank percentile of `values`, as documented: v[round(p / 100 · (N − 1))] after sorting.
double referencePercentile(std::vector<double> values, double percent)
{
    std::sort(values.begin(), values.end());
    const auto rank = static_cast<std::size_t>(std::llround(percent / 100.0 * static_cast<double>(values.size() - 1)));
    return values[rank];
}

GdalDatasetPtr createMem(int width, int height, int bands, GDALDataType type)
{
    ensureGdalInitialised();
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("MEM");
    return GdalDatasetPtr(driver->Create("", width, height, bands, type, nullptr));
}

void writeBand(GDALDataset& dataset, int band, std::vector<float> values)
{
    ASSERT_EQ(dataset.GetRasterBand(band)->RasterIO(GF_Write, 0, 0, dataset.GetRasterXSize(), dataset.GetRasterYSize(),
                  values.data(), dataset.GetRasterXSize(), dataset.GetRasterYSize(), GDT_Float32, 0, 0, nullptr),
        CE_None);
}

std::vector<float> randomValues(std::size_t count, float low, float high, unsigned seed, bool integer)
{
    std::mt19937 generator(seed);
    std::uniform_real_distribution<float> distribution(low, high);
    std::vector<float> values(count);
    for (float& value : values)
        value = integer ? std::floor(distribution(generator)) : distribution(generator);
    return values;
}

std::vector<double> asDoubles(const std::vector<float>& values)
{
    return std::vector<double>(values.begin(), values.end());
}

TEST(PercentileStretchTest, ExactHistogramPercentilesForIntegerTypes)
{
    for (GDALDataType type : {GDT_Byte, GDT_UInt16, GDT_Int16}) {
        SCOPED_TRACE(GDALGetDataTypeName(type));
        const float low = type == GDT_Int16 ? -3000.0f : 0.0f;
        const float high = type == GDT_Byte ? 256.0f : 4000.0f;
        auto dataset = createMem(300, 200, 1, type);
        const auto values = randomValues(300 * 200, low, high, 7, true);
        writeBand(*dataset, 1, values);
        auto stretch = PercentileStretch::compute(*dataset, {1}, {}, "mem");
        ASSERT_TRUE(stretch) << stretch.error().message();
        EXPECT_TRUE(stretch->exact());
        EXPECT_EQ(stretch->samplePixelCount(), 300 * 200);
        EXPECT_EQ(stretch->band(0).low, referencePercentile(asDoubles(values), 2.0));
        EXPECT_EQ(stretch->band(0).high, referencePercentile(asDoubles(values), 98.0));
        EXPECT_FALSE(stretch->band(0).constant);
    }
}

TEST(PercentileStretchTest, ExactSortedPercentilesForFloat32AndNanIgnored)
{
    auto dataset = createMem(123, 77, 1, GDT_Float32);
    auto values = randomValues(123 * 77, -1.5f, 2.5f, 11, false);
    for (std::size_t i = 0; i < values.size(); i += 13)
        values[i] = std::numeric_limits<float>::quiet_NaN();
    writeBand(*dataset, 1, values);
    std::vector<double> finite;
    for (float value : values) {
        if (std::isfinite(value))
            finite.push_back(value);
    }
    StretchOptions options;
    options.lowPercent = 5.0;
    options.highPercent = 90.0;
    auto stretch = PercentileStretch::compute(*dataset, {1}, options, "mem");
    ASSERT_TRUE(stretch) << stretch.error().message();
    EXPECT_EQ(stretch->band(0).low, referencePercentile(finite, 5.0));
    EXPECT_EQ(stretch->band(0).high, referencePercentile(finite, 90.0));
}

TEST(PercentileStretchTest, NodataIsExcluded)
{
    auto dataset = createMem(100, 100, 1, GDT_UInt16);
    auto values = randomValues(100 * 100, 1000.0f, 2000.0f, 3, true);
    for (std::size_t i = 0; i < values.size() / 2; ++i)
        values[i] = 0.0f; // half the raster is nodata: without the mask the 2 % would be 0
    writeBand(*dataset, 1, values);
    dataset->GetRasterBand(1)->SetNoDataValue(0.0);
    std::vector<double> valid;
    for (float value : values) {
        if (value != 0.0f)
            valid.push_back(value);
    }
    auto stretch = PercentileStretch::compute(*dataset, {1}, {}, "mem");
    ASSERT_TRUE(stretch) << stretch.error().message();
    EXPECT_EQ(stretch->band(0).low, referencePercentile(valid, 2.0));
    EXPECT_EQ(stretch->band(0).high, referencePercentile(valid, 98.0));
    EXPECT_GE(stretch->band(0).low, 1000.0);
}

TEST(PercentileStretchTest, PerDatasetMaskAndAlphaAreExcluded)
{
    // Per-dataset mask: the left half is masked and holds extreme values.
    auto masked = createMem(64, 64, 1, GDT_Byte);
    std::vector<float> values(64 * 64);
    std::vector<GByte> mask(64 * 64);
    for (int y = 0; y < 64; ++y) {
        for (int x = 0; x < 64; ++x) {
            values[static_cast<std::size_t>(y * 64 + x)] = x < 32 ? 255.0f : static_cast<float>(100 + (x + y) % 50);
            mask[static_cast<std::size_t>(y * 64 + x)] = x < 32 ? 0 : 255;
        }
    }
    writeBand(*masked, 1, values);
    ASSERT_EQ(masked->CreateMaskBand(GMF_PER_DATASET), CE_None);
    ASSERT_EQ(masked->GetRasterBand(1)->GetMaskBand()->RasterIO(
                  GF_Write, 0, 0, 64, 64, mask.data(), 64, 64, GDT_Byte, 0, 0, nullptr),
        CE_None);
    auto stretch = PercentileStretch::compute(*masked, {1}, {}, "masked");
    ASSERT_TRUE(stretch) << stretch.error().message();
    EXPECT_LE(stretch->band(0).high, 149.0);

    // Alpha: RGBA where alpha 0 hides extreme values.
    auto rgba = createMem(64, 64, 4, GDT_Byte);
    for (int band = 1; band <= 3; ++band) {
        rgba->GetRasterBand(band)->SetColorInterpretation(static_cast<GDALColorInterp>(GCI_RedBand + band - 1));
        writeBand(*rgba, band, values);
    }
    rgba->GetRasterBand(4)->SetColorInterpretation(GCI_AlphaBand);
    std::vector<float> alpha(mask.begin(), mask.end());
    writeBand(*rgba, 4, alpha);
    ASSERT_NE(rgba->GetRasterBand(1)->GetMaskFlags() & GMF_ALPHA, 0);
    auto alphaStretch = PercentileStretch::compute(*rgba, {1, 2, 3}, {}, "rgba");
    ASSERT_TRUE(alphaStretch) << alphaStretch.error().message();
    for (const BandStretch& band : alphaStretch->bands())
        EXPECT_LE(band.high, 149.0);
}

TEST(PercentileStretchTest, ConstantBandMapsToMidGreyAndIsFlagged)
{
    auto dataset = createMem(50, 50, 2, GDT_Byte);
    writeBand(*dataset, 1, std::vector<float>(2500, 42.0f));
    auto mostly = std::vector<float>(2500, 10.0f);
    mostly[0] = 0.0f;
    mostly[1] = 200.0f;
    writeBand(*dataset, 2, mostly);
    auto stretch = PercentileStretch::compute(*dataset, {1, 2}, {}, "constant");
    ASSERT_TRUE(stretch) << stretch.error().message();
    EXPECT_TRUE(stretch->band(0).constant);
    EXPECT_FLOAT_EQ(stretch->band(0).apply(42.0), 0.5f);
    // Percentiles coincide (10, 10) but the band is not constant: its min/max are used.
    EXPECT_FALSE(stretch->band(1).constant);
    EXPECT_EQ(stretch->band(1).low, 0.0);
    EXPECT_EQ(stretch->band(1).high, 200.0);
}

TEST(PercentileStretchTest, AllNodataIsAnErrorNamingTheFile)
{
    auto dataset = createMem(40, 40, 2, GDT_Byte);
    for (int band = 1; band <= 2; ++band)
        dataset->GetRasterBand(band)->SetNoDataValue(0.0);
    auto stretch = PercentileStretch::compute(*dataset, {1, 2}, {}, "/data/empty.tif");
    ASSERT_FALSE(stretch);
    EXPECT_EQ(stretch.error().code(), ErrorCode::InvalidData);
    EXPECT_NE(stretch.error().message().find("/data/empty.tif"), std::string::npos) << stretch.error().message();
    EXPECT_NE(stretch.error().message().find("no valid pixels"), std::string::npos) << stretch.error().message();

    // One band all nodata, the other fine: a flag, not an error.
    writeBand(*dataset, 2, std::vector<float>(1600, 9.0f));
    auto partial = PercentileStretch::compute(*dataset, {1, 2}, {}, "partial");
    ASSERT_TRUE(partial) << partial.error().message();
    EXPECT_TRUE(partial->band(0).noValidPixels);
    EXPECT_FALSE(partial->band(1).noValidPixels);
}

TEST(PercentileStretchTest, FixedRangesReadNothing)
{
    auto dataset = createMem(40, 40, 3, GDT_UInt16);
    StretchOptions options;
    options.fixedRanges = {{0.0, 4095.0}};
    auto stretch = PercentileStretch::compute(*dataset, {1, 2, 3}, options, "fixed");
    ASSERT_TRUE(stretch) << stretch.error().message();
    EXPECT_EQ(stretch->samplePixelCount(), 0);
    ASSERT_EQ(stretch->size(), 3u);
    EXPECT_EQ(stretch->band(2).high, 4095.0);
    EXPECT_FLOAT_EQ(stretch->band(2).apply(4095.0 / 2), 0.5f);
    EXPECT_EQ(stretch->band(2).apply(-5.0), 0.0f);
    EXPECT_EQ(stretch->band(2).apply(5000.0), 1.0f);

    options.fixedRanges = {{0.0, 1.0}, {0.0, 2.0}};
    EXPECT_FALSE(PercentileStretch::compute(*dataset, {1, 2, 3}, options, "fixed")) << "two ranges for three bands";
    options.fixedRanges = {{5.0, 5.0}};
    EXPECT_FALSE(PercentileStretch::compute(*dataset, {1, 2, 3}, options, "fixed"));
}

TEST(PercentileStretchTest, BadOptionsAndBands)
{
    auto dataset = createMem(40, 40, 1, GDT_Byte);
    StretchOptions options;
    options.lowPercent = 60.0;
    options.highPercent = 40.0;
    auto reversed = PercentileStretch::compute(*dataset, {1}, options, "f.tif");
    ASSERT_FALSE(reversed);
    EXPECT_EQ(reversed.error().code(), ErrorCode::InvalidArgument);

    auto missing = PercentileStretch::compute(*dataset, {2}, {}, "f.tif");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().band(), std::optional<int>(2));

    auto doubles = createMem(40, 40, 1, GDT_Float64);
    auto unsupported = PercentileStretch::compute(*doubles, {1}, {}, "f.tif");
    ASSERT_FALSE(unsupported);
    EXPECT_EQ(unsupported.error().code(), ErrorCode::Unsupported);
    EXPECT_NE(unsupported.error().message().find("Float64"), std::string::npos) << unsupported.error().message();
}

class StretchFileTest : public testing::TemporaryFolderTest { };

TEST_F(StretchFileTest, UsesTheSmallestOverviewWithEnoughPixels)
{
    ensureGdalInitialised();
    const fs::path path = folder_ / "overviews.tif";
    {
        const char* options[] = {"TILED=YES", nullptr};
        GdalDatasetPtr dataset(GetGDALDriverManager()->GetDriverByName("GTiff")->Create(
            path.c_str(), 2048, 1024, 1, GDT_Byte, const_cast<char**>(options)));
        ASSERT_TRUE(dataset);
        writeBand(*dataset, 1, randomValues(2048 * 1024, 0.0f, 256.0f, 5, true));
        const int levels[] = {2, 4, 8};
        ASSERT_EQ(dataset->BuildOverviews("NEAREST", 3, levels, 0, nullptr, nullptr, nullptr, nullptr), CE_None);
    }
    auto dataset = openRasterDataset(path);
    ASSERT_TRUE(dataset);
    auto stretch = PercentileStretch::compute(**dataset, {1}, {}, path.string());
    ASSERT_TRUE(stretch) << stretch.error().message();
    // 1024x512 (524288 px) is the smallest overview with at least 256k pixels (512x256 has 131072).
    EXPECT_EQ(stretch->samplePixelCount(), 1024 * 512);
    EXPECT_FALSE(stretch->exact());
    EXPECT_NEAR(stretch->band(0).low, 5.0, 2.0);
    EXPECT_NEAR(stretch->band(0).high, 250.0, 2.0);
}

TEST_F(StretchFileTest, LargeRasterWithoutOverviewsIsSampledByBlocks)
{
    ensureGdalInitialised();
    // A 20000 x 20000 VRT mosaic of one 1000 x 1000 random tile: 400 million pixels, a few MB on disk.
    const fs::path tile = folder_ / "tile.tif";
    std::vector<float> values = randomValues(1000 * 1000, 10.0f, 1010.0f, 9, true);
    {
        GdalDatasetPtr dataset(
            GetGDALDriverManager()->GetDriverByName("GTiff")->Create(tile.c_str(), 1000, 1000, 1, GDT_UInt16, nullptr));
        ASSERT_TRUE(dataset);
        writeBand(*dataset, 1, values);
    }
    std::ostringstream vrt;
    vrt << "<VRTDataset rasterXSize=\"20000\" rasterYSize=\"20000\">\n<VRTRasterBand dataType=\"UInt16\" band=\"1\">\n";
    for (int y = 0; y < 20; ++y) {
        for (int x = 0; x < 20; ++x) {
            vrt << "<SimpleSource><SourceFilename "
                   "relativeToVRT=\"1\">tile.tif</SourceFilename><SourceBand>1</SourceBand>"
                << "<SrcRect xOff=\"0\" yOff=\"0\" xSize=\"1000\" ySize=\"1000\"/><DstRect xOff=\"" << x * 1000
                << "\" yOff=\"" << y * 1000 << "\" xSize=\"1000\" ySize=\"1000\"/></SimpleSource>\n";
        }
    }
    vrt << "</VRTRasterBand>\n</VRTDataset>\n";
    const fs::path mosaic = folder_ / "mosaic.vrt";
    std::ofstream(mosaic) << vrt.str();

    auto dataset = openRasterDataset(mosaic);
    ASSERT_TRUE(dataset) << dataset.error().message();
    ASSERT_EQ((*dataset)->GetRasterXSize(), 20000);
    auto stretch = PercentileStretch::compute(**dataset, {1}, {}, mosaic.string());
    ASSERT_TRUE(stretch) << stretch.error().message();
    EXPECT_FALSE(stretch->exact());
    EXPECT_GT(stretch->samplePixelCount(), 256 * 1024);
    EXPECT_LE(stretch->samplePixelCount(), 2 * 1024 * 1024) << stretch->sampleSource();
    // The mosaic repeats one tile, so the sample's percentiles are close to the tile's.
    EXPECT_NEAR(stretch->band(0).low, referencePercentile(asDoubles(values), 2.0), 5.0);
    EXPECT_NEAR(stretch->band(0).high, referencePercentile(asDoubles(values), 98.0), 5.0);

    // Deterministic: the same numbers again.
    auto again = PercentileStretch::compute(**dataset, {1}, {}, mosaic.string());
    ASSERT_TRUE(again);
    EXPECT_EQ(again->band(0).low, stretch->band(0).low);
    EXPECT_EQ(again->band(0).high, stretch->band(0).high);
    EXPECT_EQ(again->samplePixelCount(), stretch->samplePixelCount());
}

} // namespace
} // namespace refermap::geo
