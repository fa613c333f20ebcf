// RasterSource on every shared real raster and on rasters made here with GDAL: band choice, global
// stretch against percentiles computed independently, windows past the edges, window independence,
// validity (nodata, per-dataset mask, alpha), reopen(), targetGsd, bad inputs and bounded reads of a
// 20000 x 20000 raster.
#include "geo/raster_source.h"

#include "geo/gdal_dataset.h"
#include "geo/gdal_environment.h"
#include "support/temporary_folder.h"

#include <gdal_priv.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

namespace refermap::geo {
namespace {

namespace fs = std::filesystem;

const fs::path realData = fs::path(TEST_DATA_DIR) / "real";

// --- an independent reading of a raster with GDAL, for reference values ---------------------

struct ReferenceBand {
    std::vector<float> values;
    std::vector<bool> valid; // the band's own mask, nodata and finiteness
};

ReferenceBand readReferenceBand(GDALDataset& dataset, int index)
{
    const int width = dataset.GetRasterXSize();
    const int height = dataset.GetRasterYSize();
    GDALRasterBand* band = dataset.GetRasterBand(index);
    ReferenceBand result;
    result.values.resize(static_cast<std::size_t>(width) * height);
    std::vector<GByte> mask(result.values.size());
    EXPECT_EQ(
        band->RasterIO(GF_Read, 0, 0, width, height, result.values.data(), width, height, GDT_Float32, 0, 0, nullptr),
        CE_None);
    EXPECT_EQ(band->GetMaskBand()->RasterIO(
                  GF_Read, 0, 0, width, height, mask.data(), width, height, GDT_Byte, 0, 0, nullptr),
        CE_None);
    int hasNodata = 0;
    const double nodata = band->GetNoDataValue(&hasNodata);
    result.valid.resize(result.values.size());
    for (std::size_t i = 0; i < mask.size(); ++i) {
        const float value = result.values[i];
        result.valid[i] = mask[i] != 0 && std::isfinite(value) && !(hasNodata && value == static_cast<float>(nodata));
    }
    return result;
}

double nearestRankPercentile(std::vector<double> values, double percent)
{
    std::sort(values.begin(), values.end());
    return values[static_cast<std::size_t>(std::llround(percent / 100.0 * static_cast<double>(values.size() - 1)))];
}

// --- the shared real rasters ------------------------------------------------------------------

struct RealCase {
    const char* file;
    std::vector<int> bands; // explicit bands, or empty for automatic
    std::vector<int> expectedBands; // what the source reads
    bool automaticFails; // automatic band choice must ask the user
};

const RealCase realCases[] = {
    {"RGB.byte.tif", {}, {1, 2, 3}, false},
    {"cogeo.tif", {}, {1, 2, 3}, false},
    {"L7_ETMs.tif", {3, 2, 1}, {3, 2, 1}, true},
    {"rgb16.tif", {}, {1, 2, 3}, false},
    {"m_4709963_se_14_1_20200831.tif", {1, 2, 3}, {1, 2, 3}, true},
    {"OSBS_029.tif", {}, {1, 2, 3}, false},
    {"test_tiled.tif", {}, {1, 2, 3}, false},
    {"road_mask_input.tif", {}, {1}, false},
    {"sample_road_raster_mask.tif", {}, {1}, false},
};

void PrintTo(const RealCase& value, std::ostream* out)
{
    *out << value.file;
}

class RealRasterSourceTest : public ::testing::TestWithParam<RealCase> {
protected:
    RasterSource openCase()
    {
        const RealCase& param = GetParam();
        RasterSourceOptions options;
        options.bands = param.bands;
        auto source = RasterSource::open(realData / param.file, options);
        EXPECT_TRUE(source) << source.error().message();
        return std::move(source).value();
    }
};

TEST_P(RealRasterSourceTest, AutomaticBandChoice)
{
    const RealCase& param = GetParam();
    auto source = RasterSource::open(realData / param.file);
    if (param.automaticFails) {
        ASSERT_FALSE(source);
        const std::string message = source.error().message();
        EXPECT_EQ(source.error().code(), ErrorCode::InvalidArgument);
        EXPECT_NE(message.find(param.file), std::string::npos) << message;
        EXPECT_NE(message.find("choose"), std::string::npos) << message;
        EXPECT_NE(message.find("1 (Byte, Gray)"), std::string::npos) << message;
        EXPECT_NE(message.find("4 (Byte, Undefined)"), std::string::npos) << message;
    } else {
        ASSERT_TRUE(source) << source.error().message();
        EXPECT_EQ(source->bandIndices(), param.expectedBands);
    }
}

TEST_P(RealRasterSourceTest, StretchEqualsIndependentPercentiles)
{
    RasterSource source = openCase();
    EXPECT_EQ(source.bandIndices(), GetParam().expectedBands);
    auto dataset = openRasterDataset(source.path());
    ASSERT_TRUE(dataset);
    EXPECT_EQ(source.width(), (*dataset)->GetRasterXSize());
    EXPECT_EQ(source.height(), (*dataset)->GetRasterYSize());
    EXPECT_TRUE(source.georeferenced());
    EXPECT_FALSE(source.crsWkt().empty());
    EXPECT_LE(source.stretch().samplePixelCount(), std::int64_t(source.width()) * source.height());
    for (std::size_t channel = 0; channel < source.bandIndices().size(); ++channel) {
        const ReferenceBand band = readReferenceBand(**dataset, source.bandIndices()[channel]);
        std::vector<double> valid;
        for (std::size_t i = 0; i < band.values.size(); ++i) {
            if (band.valid[i])
                valid.push_back(band.values[i]);
        }
        ASSERT_FALSE(valid.empty());
        double low = nearestRankPercentile(valid, 2.0);
        double high = nearestRankPercentile(valid, 98.0);
        if (!(high > low)) { // the documented fallback for coinciding percentiles
            low = *std::min_element(valid.begin(), valid.end());
            high = *std::max_element(valid.begin(), valid.end());
        }
        const BandStretch& stretch = source.stretch().band(channel);
        if (source.stretch().exact()) {
            EXPECT_EQ(stretch.low, low) << "band " << source.bandIndices()[channel];
            EXPECT_EQ(stretch.high, high) << "band " << source.bandIndices()[channel];
        } else {
            // From an overview: within 3 % of the band's stretch range.
            const double tolerance = 0.03 * (high - low);
            EXPECT_NEAR(stretch.low, low, tolerance) << "band " << source.bandIndices()[channel];
            EXPECT_NEAR(stretch.high, high, tolerance) << "band " << source.bandIndices()[channel];
        }
    }
}

// Every pixel of a window past the bottom-right corner against the independent reading.
TEST_P(RealRasterSourceTest, WindowsMatchAnIndependentReadingAndArePadded)
{
    RasterSource source = openCase();
    auto dataset = openRasterDataset(source.path());
    ASSERT_TRUE(dataset);
    std::vector<ReferenceBand> bands;
    for (const int index : source.bandIndices())
        bands.push_back(readReferenceBand(**dataset, index));

    const int width = source.width();
    const int height = source.height();
    const std::pair<int, int> corners[] = {{0, 0}, {width - 100, height - 60}, {-37, height - 150}, {width - 10, -20}};
    for (const auto& [x0, y0] : corners) {
        SCOPED_TRACE(::testing::Message() << "window at " << x0 << ", " << y0);
        auto window = source.readWindow(x0, y0, 160, 120);
        ASSERT_TRUE(window) << window.error().message();
        ASSERT_EQ(window->pixels.size(), 3u * 160 * 120);
        ASSERT_EQ(window->valid.size(), 160u * 120);
        for (int row = 0; row < 120; ++row) {
            for (int column = 0; column < 160; ++column) {
                const int x = x0 + column;
                const int y = y0 + row;
                const bool inside = x >= 0 && y >= 0 && x < width && y < height;
                bool anyValid = false;
                float expected[3] = {0, 0, 0};
                if (inside) {
                    const std::size_t i = static_cast<std::size_t>(y) * width + x;
                    for (std::size_t channel = 0; channel < bands.size(); ++channel) {
                        if (bands[channel].valid[i]) {
                            anyValid = true;
                            expected[channel] = source.stretch().band(channel).apply(bands[channel].values[i]);
                        }
                    }
                    if (bands.size() == 1)
                        expected[1] = expected[2] = expected[0];
                }
                ASSERT_EQ(window->isValid(row, column), anyValid) << "pixel " << x << ", " << y;
                for (int channel = 0; channel < 3; ++channel) {
                    const float value = window->at(channel, row, column);
                    ASSERT_GE(value, 0.0f);
                    ASSERT_LE(value, 1.0f);
                    ASSERT_EQ(value, anyValid ? expected[channel] : 0.0f) << "pixel " << x << ", " << y;
                }
            }
        }
    }
}

TEST_P(RealRasterSourceTest, ResultsDoNotDependOnTheWindow)
{
    RasterSource source = openCase();
    const int width = source.width();
    const int height = source.height();
    auto whole = source.readWindow(0, 0, width, height);
    ASSERT_TRUE(whole) << whole.error().message();
    std::mt19937 generator(1234);
    for (int trial = 0; trial < 25; ++trial) {
        const int w = std::uniform_int_distribution<int>(1, 300)(generator);
        const int h = std::uniform_int_distribution<int>(1, 300)(generator);
        const int x0 = std::uniform_int_distribution<int>(-w + 1, width - 1)(generator);
        const int y0 = std::uniform_int_distribution<int>(-h + 1, height - 1)(generator);
        auto window = source.readWindow(x0, y0, w, h);
        ASSERT_TRUE(window) << window.error().message();
        for (int row = 0; row < h; ++row) {
            for (int column = 0; column < w; ++column) {
                const int x = x0 + column;
                const int y = y0 + row;
                if (x < 0 || y < 0 || x >= width || y >= height) {
                    ASSERT_FALSE(window->isValid(row, column));
                    continue;
                }
                ASSERT_EQ(window->isValid(row, column), whole->isValid(y, x)) << x << ", " << y;
                for (int channel = 0; channel < 3; ++channel)
                    ASSERT_EQ(window->at(channel, row, column), whole->at(channel, y, x)) << x << ", " << y;
            }
        }
    }
}

TEST_P(RealRasterSourceTest, ReopenSharesTheStretchAndReadsTheSamePixels)
{
    RasterSource source = openCase();
    auto other = source.reopen();
    ASSERT_TRUE(other) << other.error().message();
    EXPECT_EQ(other->bandIndices(), source.bandIndices());
    for (std::size_t channel = 0; channel < source.stretch().size(); ++channel) {
        EXPECT_EQ(other->stretch().band(channel).low, source.stretch().band(channel).low);
        EXPECT_EQ(other->stretch().band(channel).high, source.stretch().band(channel).high);
    }
    auto first = source.readWindow(50, 40, 200, 100);
    auto second = other->readWindow(50, 40, 200, 100);
    ASSERT_TRUE(first && second);
    EXPECT_EQ(first->pixels, second->pixels);
    EXPECT_EQ(first->valid, second->valid);
}

TEST_P(RealRasterSourceTest, WindowHasValidPixelsAgreesWithReadWindow)
{
    RasterSource source = openCase();
    const int width = source.width();
    const int height = source.height();
    EXPECT_FALSE(*source.windowHasValidPixels(width, 0, 64, 64)) << "outside the raster";
    EXPECT_FALSE(*source.windowHasValidPixels(-64, -64, 64, 64));
    for (int y = -16; y < height; y += 97) {
        for (int x = -16; x < width; x += 131) {
            auto any = source.windowHasValidPixels(x, y, 64, 64);
            auto window = source.readWindow(x, y, 64, 64);
            ASSERT_TRUE(any && window);
            const bool expected
                = std::any_of(window->valid.begin(), window->valid.end(), [](auto v) { return v != 0; });
            EXPECT_EQ(*any, expected) << x << ", " << y;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(SharedRealData, RealRasterSourceTest, ::testing::ValuesIn(realCases),
    [](const ::testing::TestParamInfo<RealCase>& param) {
        std::string name = fs::path(param.param.file).stem().string();
        for (char& c : name) {
            if (!std::isalnum(static_cast<unsigned char>(c)))
                c = '_';
        }
        return name;
    });

TEST(RasterSourceTest, EveryRealRasterIsCovered)
{
    std::set<std::string> covered;
    for (const RealCase& value : realCases)
        covered.insert(value.file);
    for (const auto& entry : fs::directory_iterator(realData)) {
        if (entry.path().extension() == ".tif") {
            EXPECT_TRUE(covered.count(entry.path().filename().string())) << entry.path();
        }
    }
}

// --- facts of particular real rasters ----------------------------------------------------------

std::size_t countInvalid(const RasterWindow& window)
{
    return static_cast<std::size_t>(std::count(window.valid.begin(), window.valid.end(), std::uint8_t(0)));
}

TEST(RasterSourceTest, RgbByteCollarIsNodata)
{
    auto source = RasterSource::open(realData / "RGB.byte.tif");
    ASSERT_TRUE(source);
    auto whole = source->readWindow(0, 0, source->width(), source->height());
    ASSERT_TRUE(whole);
    EXPECT_FALSE(whole->isValid(0, 0));
    EXPECT_FALSE(whole->isValid(source->height() - 1, source->width() - 1));
    EXPECT_TRUE(whole->isValid(source->height() / 2, source->width() / 2));
    EXPECT_GT(countInvalid(*whole), whole->valid.size() / 10) << "the collar is a large part of the scene";
    EXPECT_FALSE(*source->windowHasValidPixels(0, 0, 16, 16));
    EXPECT_TRUE(*source->windowHasValidPixels(source->width() / 2, source->height() / 2, 16, 16));
}

TEST(RasterSourceTest, Osbs029WhiteNodataAndCogeoMaskAreInvalid)
{
    auto osbs = RasterSource::open(realData / "OSBS_029.tif");
    ASSERT_TRUE(osbs);
    auto dataset = openRasterDataset(realData / "OSBS_029.tif");
    ASSERT_TRUE(dataset);
    const ReferenceBand red = readReferenceBand(**dataset, 1);
    const ReferenceBand green = readReferenceBand(**dataset, 2);
    const ReferenceBand blue = readReferenceBand(**dataset, 3);
    auto whole = osbs->readWindow(0, 0, 400, 400);
    ASSERT_TRUE(whole);
    for (std::size_t i = 0; i < red.values.size(); ++i) {
        if (red.values[i] == 255 && green.values[i] == 255 && blue.values[i] == 255) {
            ASSERT_EQ(whole->valid[i], 0) << "pixel " << i;
        }
    }
    for (std::size_t channel = 0; channel < 3; ++channel)
        EXPECT_LT(osbs->stretch().band(channel).high, 255.0) << "nodata 255 is not part of the stretch";

    // cogeo.tif's per-dataset mask: whatever it hides is invalid, the rest valid.
    auto cogeo = RasterSource::open(realData / "cogeo.tif");
    ASSERT_TRUE(cogeo);
    auto cogeoDataset = openRasterDataset(realData / "cogeo.tif");
    ASSERT_TRUE(cogeoDataset);
    ASSERT_EQ((*cogeoDataset)->GetRasterBand(1)->GetMaskFlags(), GMF_PER_DATASET);
    std::vector<GByte> mask(1024 * 1024);
    ASSERT_EQ((*cogeoDataset)
                  ->GetRasterBand(1)
                  ->GetMaskBand()
                  ->RasterIO(GF_Read, 0, 0, 1024, 1024, mask.data(), 1024, 1024, GDT_Byte, 0, 0, nullptr),
        CE_None);
    auto cogeoWhole = cogeo->readWindow(0, 0, 1024, 1024);
    ASSERT_TRUE(cogeoWhole);
    for (std::size_t i = 0; i < mask.size(); ++i)
        ASSERT_EQ(cogeoWhole->valid[i] != 0, mask[i] != 0) << "pixel " << i;
    EXPECT_FALSE(cogeo->stretch().exact()) << "1024 x 1024 with a 512 x 512 overview: stretched from the overview";
    EXPECT_EQ(cogeo->stretch().samplePixelCount(), 512 * 512);
}

TEST(RasterSourceTest, SixteenBitRastersAreStretchedByPercentilesNotTypeRange)
{
    auto rgb16 = RasterSource::open(realData / "rgb16.tif");
    ASSERT_TRUE(rgb16) << rgb16.error().message();
    for (const BandStretch& band : rgb16->stretch().bands()) {
        EXPECT_GE(band.low, 6127.0); // SOURCES.md: values 6127–36082
        EXPECT_LE(band.high, 36082.0);
        EXPECT_GT(band.high - band.low, 100.0);
    }
    auto window = rgb16->readWindow(0, 0, rgb16->width(), rgb16->height());
    ASSERT_TRUE(window);
    const auto [lowest, highest] = std::minmax_element(window->pixels.begin(), window->pixels.end());
    EXPECT_EQ(*lowest, 0.0f);
    EXPECT_EQ(*highest, 1.0f) << "the full [0, 1] range is used, not a sliver of 0..65535";

    auto pan = RasterSource::open(realData / "road_mask_input.tif");
    ASSERT_TRUE(pan) << pan.error().message();
    ASSERT_TRUE(pan->grey());
    EXPECT_LT(pan->stretch().band(0).high, 2048.0) << "11-bit data in UInt16";
    auto grey = pan->readWindow(100, 100, 50, 50);
    ASSERT_TRUE(grey);
    for (std::size_t i = 0; i < 2500; ++i) {
        ASSERT_EQ(grey->pixels[i], grey->pixels[2500 + i]);
        ASSERT_EQ(grey->pixels[i], grey->pixels[5000 + i]);
    }
}

// --- rasters made here ---------------------------------------------------------------------

class RasterSourceFileTest : public testing::TemporaryFolderTest {
protected:
    void SetUp() override
    {
        TemporaryFolderTest::SetUp();
        ensureGdalInitialised();
    }

    // A GTiff of `bands` bands of `type` filled with a deterministic pattern (never 0).
    fs::path create(
        const std::string& name, int width, int height, int bands, GDALDataType type, const char* driverName = "GTiff")
    {
        const fs::path path = folder_ / name;
        GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
        GdalDatasetPtr dataset(mem->Create("", width, height, bands, type, nullptr));
        for (int band = 1; band <= bands; ++band) {
            std::vector<float> values(static_cast<std::size_t>(width) * height);
            for (std::size_t i = 0; i < values.size(); ++i)
                values[i] = static_cast<float>(1 + (i * 7 + static_cast<std::size_t>(band) * 13) % 200);
            EXPECT_EQ(dataset->GetRasterBand(band)->RasterIO(
                          GF_Write, 0, 0, width, height, values.data(), width, height, GDT_Float32, 0, 0, nullptr),
                CE_None);
        }
        GDALDriver* driver = GetGDALDriverManager()->GetDriverByName(driverName);
        GdalDatasetPtr copy(driver->CreateCopy(path.c_str(), dataset.get(), FALSE, nullptr, nullptr, nullptr));
        EXPECT_TRUE(copy);
        return path;
    }

    fs::path write(const std::string& name, const std::string& bytes)
    {
        const fs::path path = folder_ / name;
        std::ofstream(path, std::ios::binary) << bytes;
        return path;
    }

    static void expectError(const Result<RasterSource>& source, ErrorCode code, const std::string& words,
        const fs::path& file, std::optional<int> band = std::nullopt)
    {
        ASSERT_FALSE(source);
        const std::string message = source.error().message();
        EXPECT_EQ(source.error().code(), code) << message;
        EXPECT_NE(message.find(words), std::string::npos) << message;
        EXPECT_NE(message.find(file.string()), std::string::npos) << message;
        if (band) {
            EXPECT_EQ(source.error().band(), band) << message;
        }
    }
};

TEST_F(RasterSourceFileTest, TruncatedAndNonRasterFiles)
{
    std::ifstream in(realData / "RGB.byte.tif", std::ios::binary);
    std::string head(4000, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    const fs::path truncated = write("truncated.tif", head);
    auto source = RasterSource::open(truncated);
    ASSERT_FALSE(source) << "a truncated GeoTIFF must not open or must fail on its pixels";
    EXPECT_NE(source.error().message().find("truncated.tif"), std::string::npos) << source.error().message();

    const fs::path text = write("notes.txt", "not a raster at all\n");
    expectError(RasterSource::open(text), ErrorCode::InvalidData, "not a raster", text);
    expectError(RasterSource::open(realData / "sample_roads_for_masking.geojson"), ErrorCode::InvalidData,
        "vector data", realData / "sample_roads_for_masking.geojson");
}

TEST_F(RasterSourceFileTest, AllNodataRasterIsAnError)
{
    const fs::path path = folder_ / "empty.tif";
    {
        GdalDatasetPtr dataset(
            GetGDALDriverManager()->GetDriverByName("GTiff")->Create(path.c_str(), 64, 64, 3, GDT_Byte, nullptr));
        for (int band = 1; band <= 3; ++band)
            dataset->GetRasterBand(band)->SetNoDataValue(0.0); // never written: all 0
    }
    expectError(RasterSource::open(path), ErrorCode::InvalidData, "no valid pixels", path);

    // With fixed ranges no stretch is asked for: it opens, and every window is invalid.
    RasterSourceOptions options;
    options.stretch.fixedRanges = {{0.0, 255.0}};
    auto source = RasterSource::open(path, options);
    ASSERT_TRUE(source) << source.error().message();
    EXPECT_FALSE(*source->windowHasValidPixels(0, 0, 64, 64));
}

TEST_F(RasterSourceFileTest, ManyBandsNeedAnExplicitChoice)
{
    const fs::path path = create("twelve.tif", 40, 30, 12, GDT_Byte);
    auto automatic = RasterSource::open(path);
    expectError(automatic, ErrorCode::InvalidArgument, "12 bands", path);
    EXPECT_NE(automatic.error().message().find("12 (Byte, "), std::string::npos) << automatic.error().message();

    RasterSourceOptions options;
    options.bands = {12, 5, 1};
    auto chosen = RasterSource::open(path, options);
    ASSERT_TRUE(chosen) << chosen.error().message();
    EXPECT_EQ(chosen->bandIndices(), options.bands);

    options.bands = {13, 1, 2};
    expectError(RasterSource::open(path, options), ErrorCode::NotFound, "does not exist", path, 13);
    options.bands = {0};
    expectError(RasterSource::open(path, options), ErrorCode::NotFound, "does not exist", path, 0);
    options.bands = {1, 2};
    expectError(RasterSource::open(path, options), ErrorCode::InvalidArgument, "one band", path);
}

TEST_F(RasterSourceFileTest, ZeroBandVrt)
{
    const fs::path path = write("empty.vrt", "<VRTDataset rasterXSize=\"10\" rasterYSize=\"10\"></VRTDataset>\n");
    auto source = RasterSource::open(path);
    ASSERT_FALSE(source);
    EXPECT_EQ(source.error().code(), ErrorCode::InvalidData) << source.error().message();
    EXPECT_NE(source.error().message().find("empty.vrt"), std::string::npos) << source.error().message();
}

TEST_F(RasterSourceFileTest, UnsupportedDataTypesNameTheBand)
{
    const fs::path doubles = create("doubles.tif", 20, 20, 1, GDT_Float64);
    expectError(RasterSource::open(doubles), ErrorCode::Unsupported, "Float64", doubles, 1);
    const fs::path complex = create("complex.tif", 20, 20, 3, GDT_CInt16);
    expectError(RasterSource::open(complex), ErrorCode::Unsupported, "CInt16", complex, 1);
    const fs::path integers = create("int32.tif", 20, 20, 3, GDT_Int32);
    expectError(RasterSource::open(integers), ErrorCode::Unsupported, "Int32", integers, 1);
}

TEST_F(RasterSourceFileTest, SupportedTypesOpenAndRead)
{
    for (GDALDataType type : {GDT_Byte, GDT_UInt16, GDT_Int16, GDT_Float32}) {
        SCOPED_TRACE(GDALGetDataTypeName(type));
        const fs::path path = create(std::string(GDALGetDataTypeName(type)) + ".tif", 70, 50, 3, type);
        auto source = RasterSource::open(path);
        ASSERT_TRUE(source) << source.error().message();
        auto window = source->readWindow(-5, -5, 80, 60);
        ASSERT_TRUE(window);
        EXPECT_EQ(countInvalid(*window), 80u * 60 - 70 * 50);
    }
}

TEST_F(RasterSourceFileTest, AlphaZeroIsInvalid)
{
    const fs::path path = folder_ / "rgba.tif";
    {
        const char* options[] = {"ALPHA=YES", "PHOTOMETRIC=RGB", nullptr};
        GdalDatasetPtr dataset(GetGDALDriverManager()->GetDriverByName("GTiff")->Create(
            path.c_str(), 32, 32, 4, GDT_Byte, const_cast<char**>(options)));
        ASSERT_TRUE(dataset);
        std::vector<GByte> values(32 * 32);
        for (int band = 1; band <= 4; ++band) {
            for (std::size_t i = 0; i < values.size(); ++i)
                values[i] = band == 4 ? (i % 32 < 8 ? 0 : 255) : static_cast<GByte>(10 + i % 200);
            ASSERT_EQ(dataset->GetRasterBand(band)->RasterIO(
                          GF_Write, 0, 0, 32, 32, values.data(), 32, 32, GDT_Byte, 0, 0, nullptr),
                CE_None);
        }
    }
    auto source = RasterSource::open(path);
    ASSERT_TRUE(source) << source.error().message();
    EXPECT_EQ(source->bandIndices(), (std::vector<int> {1, 2, 3}));
    auto window = source->readWindow(0, 0, 32, 32);
    ASSERT_TRUE(window);
    for (int row = 0; row < 32; ++row) {
        for (int column = 0; column < 32; ++column)
            ASSERT_EQ(window->isValid(row, column), column >= 8) << row << ", " << column;
    }
    EXPECT_FALSE(*source->windowHasValidPixels(0, 0, 8, 32));
    EXPECT_TRUE(*source->windowHasValidPixels(0, 0, 9, 32));
}

TEST_F(RasterSourceFileTest, NonGeoreferencedPngUsesPixelCoordinates)
{
    const fs::path path = create("plain.png", 64, 48, 3, GDT_Byte, "PNG");
    auto source = RasterSource::open(path);
    ASSERT_TRUE(source) << source.error().message();
    EXPECT_FALSE(source->georeferenced());
    EXPECT_EQ(source->geoTransform(), (std::array<double, 6> {0.0, 1.0, 0.0, 0.0, 0.0, 1.0}));
    EXPECT_TRUE(source->crsWkt().empty());
    EXPECT_EQ(source->bandIndices(), (std::vector<int> {1, 2, 3}));
    EXPECT_EQ(source->width(), 64);

    RasterSourceOptions options;
    options.targetGsd = 2.0;
    expectError(RasterSource::open(path, options), ErrorCode::InvalidArgument, "georeferenced", path);
}

TEST_F(RasterSourceFileTest, BadWindowSizes)
{
    const fs::path path = create("small.tif", 20, 20, 3, GDT_Byte);
    auto source = RasterSource::open(path);
    ASSERT_TRUE(source);
    EXPECT_FALSE(source->readWindow(0, 0, 0, 10));
    EXPECT_FALSE(source->readWindow(0, 0, 10, -1));
    EXPECT_FALSE(source->windowHasValidPixels(0, 0, -1, 1));
    auto far = source->readWindow(1000000, -1000000, 8, 8);
    ASSERT_TRUE(far);
    EXPECT_EQ(countInvalid(*far), 64u);
}

TEST(RasterSourceTest, TargetGsdResamplesThroughAVrt)
{
    RasterSourceOptions options;
    options.targetGsd = 600.0; // RGB.byte.tif has 300 m pixels
    auto source = RasterSource::open(realData / "RGB.byte.tif", options);
    ASSERT_TRUE(source) << source.error().message();
    EXPECT_EQ(source->fileWidth(), 791);
    EXPECT_NEAR(source->width(), 791 / 2, 1);
    EXPECT_NEAR(source->height(), 718 / 2, 1);
    EXPECT_DOUBLE_EQ(source->geoTransform()[1], 600.0);
    EXPECT_DOUBLE_EQ(source->geoTransform()[5], -600.0);

    auto full = RasterSource::open(realData / "RGB.byte.tif");
    ASSERT_TRUE(full);
    EXPECT_EQ(source->stretch().band(0).low, full->stretch().band(0).low) << "the stretch is the file's";

    auto whole = source->readWindow(0, 0, source->width(), source->height());
    ASSERT_TRUE(whole) << whole.error().message();
    EXPECT_FALSE(whole->isValid(0, 0)) << "nodata survives resampling";
    EXPECT_TRUE(whole->isValid(source->height() / 2, source->width() / 2));
    // Window independence holds on the resampled grid too.
    for (const auto& [x0, y0] : {std::pair {0, 0}, std::pair {101, 57}, std::pair {250, 300}}) {
        auto window = source->readWindow(x0, y0, 96, 80);
        ASSERT_TRUE(window);
        for (int row = 0; row < 80; ++row) {
            for (int column = 0; column < 96; ++column) {
                const int x = x0 + column;
                const int y = y0 + row;
                if (x >= source->width() || y >= source->height())
                    continue;
                ASSERT_EQ(window->isValid(row, column), whole->isValid(y, x)) << x << ", " << y;
                for (int channel = 0; channel < 3; ++channel)
                    ASSERT_EQ(window->at(channel, row, column), whole->at(channel, y, x)) << x << ", " << y;
            }
        }
    }
    auto again = source->reopen();
    ASSERT_TRUE(again) << again.error().message();
    EXPECT_EQ(again->width(), source->width());

    options.targetGsd = -1.0;
    EXPECT_FALSE(RasterSource::open(realData / "RGB.byte.tif", options));
}

// --- a raster far larger than memory: bounded reads --------------------------------------------

long residentKilobytes()
{
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0)
            return std::stol(line.substr(6));
    }
    return 0;
}

TEST(RasterSourceTest, HugeVirtualRasterReadsABoundedSample)
{
    // 20000 x 20000 x 3 (1.2 GB of pixels) as a VRT mosaic of test_tiled.tif (1000 x 1000).
    std::ostringstream vrt;
    vrt << "<VRTDataset rasterXSize=\"20000\" rasterYSize=\"20000\">\n";
    const char* colours[] = {"Red", "Green", "Blue"};
    for (int band = 1; band <= 3; ++band) {
        vrt << "<VRTRasterBand dataType=\"Byte\" band=\"" << band << "\"><ColorInterp>" << colours[band - 1]
            << "</ColorInterp>\n";
        for (int y = 0; y < 20; ++y) {
            for (int x = 0; x < 20; ++x) {
                vrt << "<SimpleSource><SourceFilename relativeToVRT=\"0\">" << (realData / "test_tiled.tif").string()
                    << "</SourceFilename><SourceBand>" << band << "</SourceBand>"
                    << "<SrcRect xOff=\"0\" yOff=\"0\" xSize=\"1000\" ySize=\"1000\"/><DstRect xOff=\"" << x * 1000
                    << "\" yOff=\"" << y * 1000 << "\" xSize=\"1000\" ySize=\"1000\"/></SimpleSource>\n";
            }
        }
        vrt << "</VRTRasterBand>\n";
    }
    vrt << "</VRTDataset>\n";
    const fs::path path = fs::temp_directory_path() / ("refermap-huge-" + std::to_string(::getpid()) + ".vrt");
    std::ofstream(path) << vrt.str();

    const long before = residentKilobytes();
    auto source = RasterSource::open(path);
    ASSERT_TRUE(source) << source.error().message();
    EXPECT_EQ(source->width(), 20000);
    EXPECT_LE(source->stretch().samplePixelCount(), 2 * 1024 * 1024) << source->stretch().sampleSource();
    EXPECT_FALSE(source->stretch().exact());
    // The mosaic repeats one image, so its sampled stretch is close to the image's own.
    auto small = RasterSource::open(realData / "test_tiled.tif");
    ASSERT_TRUE(small);
    for (std::size_t channel = 0; channel < 3; ++channel) {
        const double range = small->stretch().band(channel).high - small->stretch().band(channel).low;
        EXPECT_NEAR(source->stretch().band(channel).low, small->stretch().band(channel).low, 0.05 * range);
        EXPECT_NEAR(source->stretch().band(channel).high, small->stretch().band(channel).high, 0.05 * range);
    }
    // Windows anywhere on the raster: memory stays flat.
    for (int i = 0; i < 40; ++i) {
        const int x = 137 + i * 487;
        const int y = 19950 - i * 499;
        auto window = source->readWindow(x, y, 256, 256);
        ASSERT_TRUE(window) << window.error().message();
        EXPECT_EQ(window->pixels.size(), 3u * 256 * 256);
        EXPECT_TRUE(*source->windowHasValidPixels(x, y, 256, 256));
    }
    const long after = residentKilobytes();
    EXPECT_LT(after - before, 200 * 1024) << "RSS grew from " << before << " kB to " << after << " kB";
    fs::remove(path);
}

} // namespace
} // namespace refermap::geo
