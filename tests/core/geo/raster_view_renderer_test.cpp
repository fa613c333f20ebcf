// The map canvas's renderer against GDAL itself: a 1:1 render must equal a direct GDAL read pushed
// through the query pipeline's stretch; zoomed-out renders must come from the overviews (proved with
// overviews whose content differs from the full resolution on purpose); outside, nodata and masked
// pixels must be transparent.
#include "geo/raster_view_renderer.h"

#include "geo/gdal_dataset.h"
#include "geo/gdal_environment.h"
#include "geo/overview_builder.h"
#include "geo/raster_source.h"
#include "support/temporary_folder.h"

#include <gdal_priv.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <thread>
#include <vector>

namespace refermap::geo {
namespace {

namespace fs = std::filesystem;

std::string real(const std::string& name)
{
    return std::string(TEST_DATA_DIR) + "/real/" + name;
}

// What a render must show at 1:1 for `bands`, computed here from GDAL directly: the pixel values,
// the GDAL mask and nodata of each band, and RasterSource's stretch (the model's).
std::vector<std::uint8_t> directRgba(
    const std::string& path, const std::vector<int>& bands, int x, int y, int width, int height)
{
    GdalDatasetPtr dataset(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    EXPECT_TRUE(dataset);
    RasterSourceOptions options;
    options.bands = bands;
    auto source = RasterSource::open(path, options);
    EXPECT_TRUE(source) << (source ? "" : source.error().message());
    const auto cells = static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
    std::vector<std::uint8_t> rgba(cells * 4, 0);
    std::vector<std::vector<std::uint8_t>> channels(bands.size(), std::vector<std::uint8_t>(cells, 0));
    std::vector<std::uint8_t> alpha(cells, 0);
    std::vector<float> values(cells);
    std::vector<GByte> mask(cells);
    for (std::size_t channel = 0; channel < bands.size(); ++channel) {
        GDALRasterBand* band = dataset->GetRasterBand(bands[channel]);
        EXPECT_EQ(
            band->RasterIO(GF_Read, x, y, width, height, values.data(), width, height, GDT_Float32, 0, 0, nullptr),
            CE_None);
        EXPECT_EQ(band->GetMaskBand()->RasterIO(
                      GF_Read, x, y, width, height, mask.data(), width, height, GDT_Byte, 0, 0, nullptr),
            CE_None);
        for (std::size_t i = 0; i < cells; ++i) {
            if (mask[i] == 0)
                continue;
            channels[channel][i]
                = static_cast<std::uint8_t>(std::lround(source->stretch().band(channel).apply(values[i]) * 255.0f));
            alpha[i] = std::max(alpha[i], mask[i]);
        }
    }
    for (std::size_t i = 0; i < cells; ++i) {
        if (!alpha[i])
            continue;
        for (std::size_t c = 0; c < 3; ++c)
            rgba[i * 4 + c] = channels[std::min(c, bands.size() - 1)][i];
        rgba[i * 4 + 3] = alpha[i];
    }
    return rgba;
}

std::size_t countDifferences(const std::vector<std::uint8_t>& a, const std::vector<std::uint8_t>& b)
{
    EXPECT_EQ(a.size(), b.size());
    std::size_t differences = 0;
    for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i)
        differences += a[i] != b[i];
    return differences;
}

struct OneToOneCase {
    const char* file;
    std::vector<int> bands; // empty: the renderer's default, given in expectedBands
    std::vector<int> expectedBands;
    int x, y, width, height;
};

class RasterViewRendererOneToOne : public ::testing::TestWithParam<OneToOneCase> {
protected:
    void SetUp() override { ensureGdalInitialised(); }
};

TEST_P(RasterViewRendererOneToOne, EqualsDirectGdalReadAndTheModelsStretch)
{
    const OneToOneCase& c = GetParam();
    RasterViewOptions options;
    options.bands = c.bands;
    auto renderer = RasterViewRenderer::open(real(c.file), options);
    ASSERT_TRUE(renderer) << renderer.error().message();
    EXPECT_EQ(renderer->displayBands(), c.expectedBands);

    // The stretch is the query pipeline's, number for number.
    RasterSourceOptions sourceOptions;
    sourceOptions.bands = c.expectedBands;
    auto source = RasterSource::open(real(c.file), sourceOptions);
    ASSERT_TRUE(source);
    ASSERT_EQ(renderer->stretch().size(), source->stretch().size());
    for (std::size_t i = 0; i < source->stretch().size(); ++i) {
        EXPECT_EQ(renderer->stretch().band(i).low, source->stretch().band(i).low);
        EXPECT_EQ(renderer->stretch().band(i).high, source->stretch().band(i).high);
    }

    RenderStatistics statistics;
    auto image = renderer->render(
        {double(c.x), double(c.y), double(c.width), double(c.height)}, c.width, c.height, &statistics);
    ASSERT_TRUE(image) << image.error().message();
    EXPECT_EQ(statistics.overviewLevel, -1);
    const auto expected = directRgba(real(c.file), c.expectedBands, c.x, c.y, c.width, c.height);
    EXPECT_EQ(countDifferences(*image, expected), 0u);
    // Not a blank image: the stretch spreads the values.
    std::size_t opaque = 0;
    std::uint8_t low = 255;
    std::uint8_t high = 0;
    for (std::size_t i = 0; i < image->size(); i += 4) {
        if ((*image)[i + 3]) {
            ++opaque;
            low = std::min(low, (*image)[i]);
            high = std::max(high, (*image)[i]);
        }
    }
    EXPECT_GT(opaque, 0u);
    EXPECT_GT(high - low, 100);
}

INSTANTIATE_TEST_SUITE_P(Real, RasterViewRendererOneToOne,
    ::testing::Values(OneToOneCase {"RGB.byte.tif", {}, {1, 2, 3}, 0, 0, 300, 250}, // nodata 0 in the corner
        OneToOneCase {"rgb16.tif", {}, {1, 2, 3}, 37, 51, 200, 180}, // UInt16
        OneToOneCase {"L7_ETMs.tif", {}, {1, 2, 3}, 10, 20, 256, 256}, // 6 bands: the first three
        OneToOneCase {"L7_ETMs.tif", {4, 3, 2}, {4, 3, 2}, 0, 0, 349, 352}, // false colour, whole raster
        OneToOneCase {"road_mask_input.tif", {}, {1}, 500, 400, 300, 200}, // 1 band UInt16: grey
        OneToOneCase {"OSBS_029.tif", {}, {1, 2, 3}, 0, 0, 400, 400}, // nodata 255
        OneToOneCase {"cogeo.tif", {}, {1, 2, 3}, 256, 300, 512, 400}, // internal mask, JPEG
        OneToOneCase {"m_4709963_se_14_1_20200831.tif", {}, {1, 2, 3}, 600, 500, 334, 223})); // NAIP, 4 bands

class RasterViewRendererTest : public testing::TemporaryFolderTest {
protected:
    void SetUp() override
    {
        TemporaryFolderTest::SetUp();
        ensureGdalInitialised();
    }

    // A one-band Byte GTiff filled with `value`, tiled.
    fs::path writeConstant(const std::string& name, int width, int height, GByte value)
    {
        const fs::path path = folder() / name;
        GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GTiff");
        const char* options[] = {"TILED=YES", "COMPRESS=DEFLATE", nullptr};
        GdalDatasetPtr dataset(driver->Create(path.c_str(), width, height, 1, GDT_Byte, const_cast<char**>(options)));
        EXPECT_TRUE(dataset);
        dataset->GetRasterBand(1)->Fill(value);
        return path;
    }

    static RasterViewOptions identityStretch()
    {
        RasterViewOptions options;
        options.stretch.fixedRanges = {BandStretch {0.0, 255.0}};
        return options;
    }

    static void fillOverview(const fs::path& file, int level, GByte value)
    {
        GdalDatasetPtr dataset(GDALDataset::Open(file.c_str(), GDAL_OF_RASTER | GDAL_OF_UPDATE));
        ASSERT_TRUE(dataset);
        ASSERT_EQ(dataset->GetRasterBand(1)->GetOverview(level)->Fill(value), CE_None);
    }

    static void expectAll(const std::vector<std::uint8_t>& image, std::uint8_t grey, std::uint8_t alpha)
    {
        std::size_t wrong = 0;
        for (std::size_t i = 0; i < image.size(); i += 4)
            wrong += image[i] != grey || image[i + 1] != grey || image[i + 2] != grey || image[i + 3] != alpha;
        EXPECT_EQ(wrong, 0u) << "expected grey " << int(grey) << " alpha " << int(alpha);
    }
};

// Overviews whose pixels differ from the full resolution on purpose: what a render shows tells
// which level GDAL read.
TEST_F(RasterViewRendererTest, ZoomedOutReadsTheInternalOverviewNotTheFullResolution)
{
    const fs::path file = writeConstant("levels.tif", 1024, 1024, 50);
    {
        GdalDatasetPtr dataset(GDALDataset::Open(file.c_str(), GDAL_OF_RASTER | GDAL_OF_UPDATE));
        int factors[] = {2, 4};
        ASSERT_EQ(dataset->BuildOverviews("NEAREST", 2, factors, 0, nullptr, nullptr, nullptr), CE_None);
    }
    fillOverview(file, 0, 200);
    fillOverview(file, 1, 100);

    auto renderer = RasterViewRenderer::open(file, identityStretch());
    ASSERT_TRUE(renderer) << renderer.error().message();
    EXPECT_TRUE(renderer->hasOverviews());
    EXPECT_EQ(renderer->overviewCount(), 2);
    struct Zoom {
        int out;
        std::uint8_t grey;
        int level;
    };
    for (const Zoom zoom : {Zoom {1024, 50, -1}, Zoom {2048, 50, -1}, Zoom {512, 200, 0}, Zoom {400, 200, 0},
             Zoom {256, 100, 1}, Zoom {100, 100, 1}}) {
        RenderStatistics statistics;
        auto image = renderer->render({0.0, 0.0, 1024.0, 1024.0}, zoom.out, zoom.out, &statistics);
        ASSERT_TRUE(image) << image.error().message();
        SCOPED_TRACE("output " + std::to_string(zoom.out));
        expectAll(*image, zoom.grey, 255);
        EXPECT_EQ(statistics.overviewLevel, zoom.level);
    }
    // Between levels GDAL's tolerance decides (version dependent): the statistics must name the level
    // whose pixels came out.
    for (const int out : {300, 270, 450, 600}) {
        RenderStatistics statistics;
        auto image = renderer->render({0.0, 0.0, 1024.0, 1024.0}, out, out, &statistics);
        ASSERT_TRUE(image);
        SCOPED_TRACE("output " + std::to_string(out) + ", level " + std::to_string(statistics.overviewLevel));
        const std::uint8_t greyOfLevel[] = {50, 200, 100};
        expectAll(*image, greyOfLevel[statistics.overviewLevel + 1], 255);
    }
    // A window in the middle, zoomed out by 4: the 4x level.
    auto part = renderer->render({300.5, 200.25, 400.0, 200.0}, 100, 50);
    ASSERT_TRUE(part);
    expectAll(*part, 100, 255);
}

// A big synthetic raster, its external .ovr from OverviewBuilder, the .ovr then altered: renders at
// each zoom show the altered level, so the full resolution was not read.
TEST_F(RasterViewRendererTest, BigRasterUsesTheBuiltExternalOverviews)
{
    const fs::path file = writeConstant("big.tif", 6000, 5000, 10);
    auto before = RasterViewRenderer::open(file, identityStretch());
    ASSERT_TRUE(before);
    EXPECT_FALSE(before->hasOverviews());

    ProgressFeedback progress;
    auto built = OverviewBuilder::build(file, progress);
    ASSERT_TRUE(built) << built.error().message();
    EXPECT_EQ(built->factors, (std::vector<int> {2, 4, 8, 16, 32}));
    {
        GdalDatasetPtr overviews(GDALDataset::Open(built->overviewPath.c_str(), GDAL_OF_RASTER | GDAL_OF_UPDATE));
        ASSERT_TRUE(overviews);
        ASSERT_EQ(overviews->GetRasterCount(), 1);
        ASSERT_EQ(overviews->GetRasterBand(1)->Fill(120), CE_None); // the .ovr's base is level 0 (factor 2)
        for (int level = 0; level < overviews->GetRasterBand(1)->GetOverviewCount(); ++level)
            ASSERT_EQ(overviews->GetRasterBand(1)->GetOverview(level)->Fill(130 + level), CE_None);
    }

    ASSERT_TRUE(before->reopen());
    EXPECT_EQ(before->overviewCount(), 5);
    auto after = before->clone();
    ASSERT_TRUE(after);
    EXPECT_EQ(after->overviewCount(), 5);
    struct Zoom {
        double factor;
        std::uint8_t grey;
    };
    for (const Zoom zoom : {Zoom {1.0, 10}, Zoom {2.0, 120}, Zoom {3.0, 120}, Zoom {4.0, 130}, Zoom {8.0, 131},
             Zoom {16.0, 132}, Zoom {32.0, 133}, Zoom {100.0, 133}}) {
        const int out = std::min(150, static_cast<int>(4800 / zoom.factor));
        auto image = after->render({100.0, 150.0, out * zoom.factor, out * zoom.factor}, out, out);
        ASSERT_TRUE(image);
        SCOPED_TRACE("zoom out " + std::to_string(zoom.factor));
        expectAll(*image, zoom.grey, 255);
    }
}

TEST_F(RasterViewRendererTest, OutsideTheRasterIsTransparent)
{
    auto renderer = RasterViewRenderer::open(real("RGB.byte.tif"));
    ASSERT_TRUE(renderer);
    // Partly outside at 1:1: the inside part equals the render of the inside window.
    auto part = renderer->render({-100.0, -50.0, 300.0, 200.0}, 300, 200);
    auto inside = renderer->render({0.0, 0.0, 200.0, 150.0}, 200, 150);
    ASSERT_TRUE(part);
    ASSERT_TRUE(inside);
    std::size_t insideDifferences = 0;
    std::size_t outsideOpaque = 0;
    for (int row = 0; row < 200; ++row) {
        for (int column = 0; column < 300; ++column) {
            const std::size_t at = (static_cast<std::size_t>(row) * 300 + column) * 4;
            if (row < 50 || column < 100) {
                outsideOpaque
                    += (*part)[at] != 0 || (*part)[at + 1] != 0 || (*part)[at + 2] != 0 || (*part)[at + 3] != 0;
            } else {
                const std::size_t from = (static_cast<std::size_t>(row - 50) * 200 + (column - 100)) * 4;
                for (int c = 0; c < 4; ++c)
                    insideDifferences += (*part)[at + c] != (*inside)[from + c];
            }
        }
    }
    EXPECT_EQ(outsideOpaque, 0u);
    EXPECT_EQ(insideDifferences, 0u);

    // Right/bottom edge, zoomed out: output pixels whose centre lies past the raster are transparent.
    auto edge = renderer->render({691.0, 618.0, 200.0, 200.0}, 50, 50); // 4 source pixels per output pixel
    ASSERT_TRUE(edge);
    for (int row = 0; row < 50; ++row) {
        for (int column = 0; column < 50; ++column) {
            const bool outside = 691.0 + (column + 0.5) * 4.0 >= 791.0 || 618.0 + (row + 0.5) * 4.0 >= 718.0;
            const std::uint8_t alpha = (*edge)[(static_cast<std::size_t>(row) * 50 + column) * 4 + 3];
            if (outside) {
                EXPECT_EQ(alpha, 0) << row << "," << column;
            }
        }
    }
    // Wholly outside, with a stride wider than the row: every pixel transparent, padding untouched.
    std::vector<std::uint8_t> buffer(40 * 10, 77);
    ASSERT_TRUE(renderer->render({5000.0, -3000.0, 64.0, 64.0}, 8, 10, buffer.data(), 40));
    for (int row = 0; row < 10; ++row) {
        for (int byte = 0; byte < 40; ++byte)
            EXPECT_EQ(buffer[static_cast<std::size_t>(row) * 40 + byte], byte < 32 ? 0 : 77);
    }
}

TEST_F(RasterViewRendererTest, NodataAndMasksAreTransparent)
{
    // RGB.byte.tif: nodata 0 on all bands; its black collar must be alpha 0, also zoomed out.
    auto renderer = RasterViewRenderer::open(real("RGB.byte.tif"));
    ASSERT_TRUE(renderer);
    auto corner = renderer->render({0.0, 0.0, 20.0, 20.0}, 20, 20);
    ASSERT_TRUE(corner);
    EXPECT_EQ((*corner)[3], 0); // the top-left pixel is in the collar
    auto whole = renderer->render({0.0, 0.0, 791.0, 718.0}, 200, 180);
    ASSERT_TRUE(whole);
    EXPECT_EQ((*whole)[3], 0);
    const std::size_t centre = (90 * 200 + 100) * 4;
    EXPECT_EQ((*whole)[centre + 3], 255);

    // A synthetic nodata band: exactly the nodata pixels are transparent.
    const fs::path file = writeConstant("holes.tif", 64, 64, 30);
    {
        GdalDatasetPtr dataset(GDALDataset::Open(file.c_str(), GDAL_OF_RASTER | GDAL_OF_UPDATE));
        GDALRasterBand* band = dataset->GetRasterBand(1);
        ASSERT_EQ(band->SetNoDataValue(7), CE_None);
        std::vector<GByte> hole(10 * 5, 7);
        ASSERT_EQ(band->RasterIO(GF_Write, 20, 30, 10, 5, hole.data(), 10, 5, GDT_Byte, 0, 0, nullptr), CE_None);
        GByte bright = 90;
        ASSERT_EQ(band->RasterIO(GF_Write, 0, 0, 1, 1, &bright, 1, 1, GDT_Byte, 0, 0, nullptr), CE_None);
    }
    auto holes = RasterViewRenderer::open(file, identityStretch());
    ASSERT_TRUE(holes);
    EXPECT_TRUE(holes->grey());
    auto image = holes->render({0.0, 0.0, 64.0, 64.0}, 64, 64);
    ASSERT_TRUE(image);
    for (int row = 0; row < 64; ++row) {
        for (int column = 0; column < 64; ++column) {
            const bool hole = column >= 20 && column < 30 && row >= 30 && row < 35;
            const std::size_t at = (static_cast<std::size_t>(row) * 64 + column) * 4;
            ASSERT_EQ((*image)[at + 3], hole ? 0 : 255) << row << "," << column;
            const int grey = hole ? 0 : (row == 0 && column == 0 ? 90 : 30);
            ASSERT_EQ((*image)[at], grey);
            ASSERT_EQ((*image)[at + 1], grey);
            ASSERT_EQ((*image)[at + 2], grey);
        }
    }
    // Zoomed out by 2 with AVERAGE: a 2x2 block wholly in the hole stays transparent.
    auto half = holes->render({0.0, 0.0, 64.0, 64.0}, 32, 32);
    ASSERT_TRUE(half);
    EXPECT_EQ((*half)[(static_cast<std::size_t>(16) * 32 + 12) * 4 + 3], 0);
    EXPECT_EQ((*half)[(static_cast<std::size_t>(5) * 32 + 5) * 4 + 3], 255);
}

TEST_F(RasterViewRendererTest, ZoomedInRepeatsSourcePixels)
{
    auto renderer = RasterViewRenderer::open(real("rgb16.tif"));
    ASSERT_TRUE(renderer);
    auto pixels = renderer->render({100.0, 120.0, 5.0, 4.0}, 5, 4);
    auto zoomed = renderer->render({100.0, 120.0, 5.0, 4.0}, 20, 16);
    ASSERT_TRUE(pixels);
    ASSERT_TRUE(zoomed);
    std::size_t differences = 0;
    for (int row = 0; row < 16; ++row)
        for (int column = 0; column < 20; ++column)
            for (int c = 0; c < 4; ++c)
                differences += (*zoomed)[(static_cast<std::size_t>(row) * 20 + column) * 4 + c]
                    != (*pixels)[(static_cast<std::size_t>(row / 4) * 5 + column / 4) * 4 + c];
    EXPECT_EQ(differences, 0u);
}

TEST_F(RasterViewRendererTest, ClonesRenderTheSameOnOtherThreads)
{
    auto renderer = RasterViewRenderer::open(real("cogeo.tif"));
    ASSERT_TRUE(renderer);
    EXPECT_TRUE(renderer->hasOverviews());
    const PixelWindow window {100.0, 50.0, 800.0, 900.0};
    auto reference = renderer->render(window, 200, 225);
    ASSERT_TRUE(reference);
    std::vector<std::vector<std::uint8_t>> results(4);
    std::vector<std::thread> threads;
    for (auto& result : results) {
        auto clone = renderer->clone();
        ASSERT_TRUE(clone);
        threads.emplace_back([&result, renderer = std::move(*clone), window]() mutable {
            for (int repeat = 0; repeat < 5; ++repeat) {
                auto image = renderer.render(window, 200, 225);
                if (image)
                    result = std::move(*image);
            }
        });
    }
    for (auto& thread : threads)
        thread.join();
    for (const auto& result : results)
        EXPECT_EQ(countDifferences(result, *reference), 0u);
}

TEST_F(RasterViewRendererTest, InformationAccessors)
{
    auto renderer = RasterViewRenderer::open(real("RGB.byte.tif"));
    ASSERT_TRUE(renderer);
    GdalDatasetPtr dataset(GDALDataset::Open(real("RGB.byte.tif").c_str(), GDAL_OF_RASTER));
    std::array<double, 6> transform {};
    ASSERT_EQ(dataset->GetGeoTransform(transform.data()), CE_None);
    EXPECT_EQ(renderer->width(), 791);
    EXPECT_EQ(renderer->height(), 718);
    EXPECT_EQ(renderer->bandCount(), 3);
    EXPECT_EQ(renderer->geoTransform(), transform);
    EXPECT_TRUE(renderer->georeferenced());
    EXPECT_EQ(renderer->epsg(), 32618);
    EXPECT_NE(renderer->crsWkt().find("UTM zone 18N"), std::string::npos);
    EXPECT_FALSE(renderer->hasOverviews());
    const MapPoint corner = renderer->pixelToMap(791.0, 718.0);
    EXPECT_DOUBLE_EQ(corner.x, transform[0] + 791.0 * transform[1]);
    EXPECT_DOUBLE_EQ(corner.y, transform[3] + 718.0 * transform[5]);
    const MapPoint back = renderer->mapToPixel(corner.x, corner.y);
    EXPECT_NEAR(back.x, 791.0, 1e-6);
    EXPECT_NEAR(back.y, 718.0, 1e-6);

    auto l7 = RasterViewRenderer::open(real("L7_ETMs.tif"));
    ASSERT_TRUE(l7);
    EXPECT_EQ(l7->bandCount(), 6);
    EXPECT_EQ(l7->overviewCount(), 4);
    EXPECT_EQ(l7->epsg(), 31985);
}

TEST_F(RasterViewRendererTest, ErrorsNameTheFileAndBand)
{
    RasterViewOptions options;
    options.bands = {1, 2, 9};
    auto badBand = RasterViewRenderer::open(real("RGB.byte.tif"), options);
    ASSERT_FALSE(badBand);
    EXPECT_EQ(badBand.error().code(), ErrorCode::NotFound);
    EXPECT_NE(badBand.error().message().find("RGB.byte.tif"), std::string::npos) << badBand.error().message();
    EXPECT_NE(badBand.error().message().find("9"), std::string::npos) << badBand.error().message();

    auto missing = RasterViewRenderer::open(folder() / "nothing.tif");
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message().find("nothing.tif"), std::string::npos);

    RasterViewOptions wrongStretch;
    wrongStretch.precomputedStretch = PercentileStretch();
    auto mismatch = RasterViewRenderer::open(real("RGB.byte.tif"), wrongStretch);
    ASSERT_FALSE(mismatch);
    EXPECT_EQ(mismatch.error().code(), ErrorCode::InvalidArgument);

    auto renderer = RasterViewRenderer::open(real("RGB.byte.tif"));
    ASSERT_TRUE(renderer);
    EXPECT_FALSE(renderer->render({0.0, 0.0, 0.0, 10.0}, 10, 10));
    EXPECT_FALSE(renderer->render({0.0, 0.0, 10.0, 10.0}, 0, 10));
    EXPECT_FALSE(renderer->render({std::nan(""), 0.0, 10.0, 10.0}, 10, 10));
    std::vector<std::uint8_t> small(10 * 10 * 4);
    EXPECT_FALSE(renderer->render({0.0, 0.0, 10.0, 10.0}, 10, 10, small.data(), 39));
}

TEST_F(RasterViewRendererTest, PrecomputedStretchIsUsedAsIs)
{
    auto source = RasterSource::open(real("rgb16.tif"));
    ASSERT_TRUE(source);
    RasterViewOptions options;
    options.precomputedStretch = source->stretch();
    auto renderer = RasterViewRenderer::open(real("rgb16.tif"), options);
    ASSERT_TRUE(renderer);
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(renderer->stretch().band(i).low, source->stretch().band(i).low);
        EXPECT_EQ(renderer->stretch().band(i).high, source->stretch().band(i).high);
    }
    EXPECT_EQ(renderer->stretch().sampleSource(), source->stretch().sampleSource());
}

TEST_F(RasterViewRendererTest, HeatMapShowsProbabilitiesThroughTheRamp)
{
    // Probability bytes 0, 64, 128, 192, 255 in columns: no stretch, 0 transparent, blue for low
    // values, red for certain ones, opacity rising with the probability.
    const fs::path file = writeConstant("probability.tif", 5, 4, 0);
    {
        GdalDatasetPtr dataset(GDALDataset::Open(file.c_str(), GDAL_OF_RASTER | GDAL_OF_UPDATE));
        std::vector<GByte> row{0, 64, 128, 192, 255};
        for (int y = 0; y < 4; ++y)
            ASSERT_EQ(dataset->GetRasterBand(1)->RasterIO(GF_Write, 0, y, 5, 1, row.data(), 5, 1, GDT_Byte, 0, 0, nullptr),
                      CE_None);
    }
    RasterViewOptions options;
    options.heatMap = true;
    options.bands = {3}; // ignored: a heat map reads band 1
    auto renderer = RasterViewRenderer::open(file, options);
    ASSERT_TRUE(renderer) << renderer.error().message();
    auto image = renderer->render({0.0, 0.0, 5.0, 4.0}, 5, 4);
    ASSERT_TRUE(image);
    auto pixel = [&](int column) { return &(*image)[static_cast<std::size_t>(column) * 4]; };
    EXPECT_EQ(pixel(0)[3], 0);
    for (int column = 1; column < 5; ++column)
        EXPECT_GT(pixel(column)[3], pixel(column - 1)[3]) << column;
    EXPECT_GT(pixel(1)[2], pixel(1)[0]); // low: blue
    EXPECT_GT(pixel(4)[0], 200);         // certain: red
    EXPECT_LT(pixel(4)[1], 60);
    EXPECT_EQ(pixel(4)[3], 255);
}

} // namespace
} // namespace refermap::geo
