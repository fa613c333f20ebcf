#include "geo/mask_vectorizer.h"
#include "geo/vector_export.h"

#include "support/temporary_folder.h"

#include <gdal_alg.h>
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogr_geometry.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <functional>
#include <memory>
#include <ogrsf_frmts.h>
#include <unistd.h>

namespace refermap::geo {
namespace {

using refermap::testing::TemporaryFolderTest;

struct GeometryDeleter {
    void operator()(OGRGeometry* geometry) const noexcept { OGRGeometryFactory::destroyGeometry(geometry); }
};
using GeometryPtr = std::unique_ptr<OGRGeometry, GeometryDeleter>;

GeometryPtr geometryOf(const VectorFeature& feature)
{
    OGRGeometry* geometry = nullptr;
    OGRGeometryFactory::createFromWkb(feature.wkb.data(), nullptr, &geometry, feature.wkb.size());
    return GeometryPtr(geometry);
}

int vertexCount(const OGRGeometry& geometry)
{
    int count = 0;
    if (wkbFlatten(geometry.getGeometryType()) == wkbPolygon) {
        for (const OGRLinearRing* ring : *geometry.toPolygon())
            count += ring->getNumPoints();
    } else {
        for (const OGRGeometry* part : *geometry.toGeometryCollection())
            count += vertexCount(*part);
    }
    return count;
}

int interiorRings(const OGRGeometry& geometry)
{
    if (wkbFlatten(geometry.getGeometryType()) == wkbPolygon)
        return geometry.toPolygon()->getNumInteriorRings();
    int count = 0;
    for (const OGRGeometry* part : *geometry.toGeometryCollection())
        count += interiorRings(*part);
    return count;
}

// A single-band (or `bands`-band) GeoTIFF whose pixel (column, row) is value(column, row).
std::filesystem::path writeRaster(const std::filesystem::path& path, int width, int height, GDALDataType type, int epsg,
    const std::array<double, 6>& geoTransform, const std::function<double(int, int)>& value, int bands = 1)
{
    GDALAllRegister();
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GTiff");
    GDALDataset* dataset = driver->Create(path.c_str(), width, height, bands, type, nullptr);
    std::array<double, 6> transform = geoTransform;
    dataset->SetGeoTransform(transform.data());
    OGRSpatialReference crs;
    crs.importFromEPSG(epsg);
    dataset->SetSpatialRef(&crs);
    std::vector<double> values(static_cast<std::size_t>(width) * height);
    for (int row = 0; row < height; ++row)
        for (int column = 0; column < width; ++column)
            values[static_cast<std::size_t>(row) * width + column] = value(column, row);
    for (int band = 1; band <= bands; ++band)
        EXPECT_EQ(dataset->GetRasterBand(band)->RasterIO(
                      GF_Write, 0, 0, width, height, values.data(), width, height, GDT_Float64, 0, 0, nullptr),
            CE_None);
    GDALClose(dataset);
    return path;
}

// 10 m pixels in UTM 33N.
constexpr std::array<double, 6> kUtm {500000.0, 10.0, 0.0, 5000000.0, 0.0, -10.0};

// Each test runs in its own process under ctest: register GDAL's drivers in every one.
class MaskVectorizerTest : public TemporaryFolderTest {
protected:
    void SetUp() override
    {
        TemporaryFolderTest::SetUp();
        GDALAllRegister();
    }
};

TEST_F(MaskVectorizerTest, BinaryMaskGivesOnePolygonPerRegionWithHolesAndAttributes)
{
    // An 8×8 square with a one-pixel hole, a 3×3 square, and two pixels touching only at a corner.
    auto value = [](int c, int r) -> double {
        if (c >= 2 && c <= 9 && r >= 2 && r <= 9)
            return (c == 5 && r == 5) ? 0 : 1;
        if (c >= 14 && c <= 16 && r >= 14 && r <= 16)
            return 1;
        return ((c == 2 && r == 15) || (c == 3 && r == 16)) ? 1 : 0;
    };
    const auto mask = writeRaster(folder() / "mask.tif", 20, 20, GDT_Byte, 32633, kUtm, value);
    VectorizeOptions options;
    options.query = "buildings";
    options.model = "refermap-test";
    options.runId = "run-1";
    auto layer = vectorizeMask(mask, options);
    ASSERT_TRUE(layer) << layer.error().message();
    ASSERT_EQ(layer->features.size(), 3u) << "8-connected: the corner-touching pixels are one region";
    EXPECT_NE(layer->crsWkt.find("UTM zone 33N"), std::string::npos);

    std::vector<double> areas;
    for (const VectorFeature& feature : layer->features) {
        EXPECT_EQ(feature.query, "buildings");
        EXPECT_EQ(feature.model, "refermap-test");
        EXPECT_EQ(feature.runId, "run-1");
        EXPECT_EQ(feature.source, mask.string());
        EXPECT_FALSE(feature.edited);
        EXPECT_DOUBLE_EQ(feature.score, 1.0);
        areas.push_back(feature.areaM2);
        auto geometry = geometryOf(feature);
        ASSERT_TRUE(geometry);
        if (std::abs(feature.areaM2 - 6300.0) < 1e-6) {
            EXPECT_EQ(interiorRings(*geometry), 1);
            EXPECT_NEAR(feature.perimeterM, 4 * 80.0 + 4 * 10.0, 1e-6);
        }
    }
    std::sort(areas.begin(), areas.end());
    EXPECT_NEAR(areas[0], 200.0, 1e-6);
    EXPECT_NEAR(areas[1], 900.0, 1e-6);
    EXPECT_NEAR(areas[2], 6300.0, 1e-6);
}

TEST_F(MaskVectorizerTest, BytePerPixelProbabilitiesUseHalfTheRangeAndScoreTheMean)
{
    // A 4×4 core of 200 and 250 inside a ring of 100.
    auto value = [](int c, int r) -> double {
        if (c >= 4 && c <= 7 && r >= 4 && r <= 7)
            return c < 6 ? 200 : 250;
        return (c >= 3 && c <= 8 && r >= 3 && r <= 8) ? 100 : 0;
    };
    const auto raster = writeRaster(folder() / "probability.tif", 12, 12, GDT_Byte, 32633, kUtm, value);
    auto layer = vectorizeMask(raster, {});
    ASSERT_TRUE(layer) << layer.error().message();
    ASSERT_EQ(layer->features.size(), 1u);
    EXPECT_NEAR(layer->features[0].areaM2, 1600.0, 1e-6) << "only the core is >= 128";
    EXPECT_NEAR(layer->features[0].score, 225.0 / 255.0, 1e-12);

    VectorizeOptions lower;
    lower.threshold = 100;
    auto wider = vectorizeMask(raster, lower);
    ASSERT_TRUE(wider);
    ASSERT_EQ(wider->features.size(), 1u);
    EXPECT_NEAR(wider->features[0].areaM2, 3600.0, 1e-6);
    EXPECT_NEAR(wider->features[0].score, (8 * 200.0 + 8 * 250.0 + 20 * 100.0) / 36.0 / 255.0, 1e-12);
}

TEST_F(MaskVectorizerTest, Float32ProbabilitiesThresholdAtOneHalf)
{
    auto value = [](int c, int r) -> double {
        if (r >= 2 && r <= 5 && c >= 2 && c <= 5)
            return c < 4 ? 0.8f : 0.6f;
        return 0.4f;
    };
    const auto raster = writeRaster(folder() / "float.tif", 10, 10, GDT_Float32, 32633, kUtm, value);
    auto layer = vectorizeMask(raster, {});
    ASSERT_TRUE(layer) << layer.error().message();
    ASSERT_EQ(layer->features.size(), 1u);
    EXPECT_NEAR(layer->features[0].score, 0.7, 1e-6);
    EXPECT_NEAR(layer->features[0].areaM2, 1600.0, 1e-6);
}

// Area of the ellipsoidal quadrangle between two parallels and meridians (WGS 84), the closed form.
double quadrangleArea(double lat1, double lat2, double deltaLonDegrees)
{
    const double a = 6378137.0;
    const double f = 1.0 / 298.257223563;
    const double e2 = f * (2 - f);
    const double e = std::sqrt(e2);
    const double b2 = a * a * (1 - e2);
    auto q = [&](double latDegrees) {
        const double s = std::sin(latDegrees * M_PI / 180.0);
        return s / (1 - e2 * s * s) + std::log((1 + e * s) / (1 - e * s)) / (2 * e);
    };
    return b2 / 2.0 * (deltaLonDegrees * M_PI / 180.0) * (q(lat2) - q(lat1));
}

TEST_F(MaskVectorizerTest, MinimumAreaIsMeasuredInSquareMetresInAGeographicCrs)
{
    // A 100×100 pixel square of 0.0001° pixels around 36°N.
    const std::array<double, 6> geographic {-115.01, 0.0001, 0.0, 36.01, 0.0, -0.0001};
    auto value = [](int c, int r) -> double { return (c >= 50 && c < 150 && r >= 50 && r < 150) ? 255 : 0; };
    const auto mask = writeRaster(folder() / "wgs84.tif", 200, 200, GDT_Byte, 4326, geographic, value);
    const double expected = quadrangleArea(36.01 - 150 * 0.0001, 36.01 - 50 * 0.0001, 100 * 0.0001);
    ASSERT_NEAR(expected, 0.01 * 0.01 * 111320.0 * 110950.0 * std::cos(36.005 * M_PI / 180.0), 0.01 * expected)
        << "sanity check of the closed form against a spherical estimate";

    auto layer = vectorizeMask(mask, {});
    ASSERT_TRUE(layer) << layer.error().message();
    ASSERT_EQ(layer->features.size(), 1u);
    EXPECT_NEAR(layer->features[0].areaM2, expected, 0.01 * expected);
    EXPECT_NEAR(layer->features[0].areaM2, expected, 1e-4 * expected) << "equal-area projection: near exact";
    EXPECT_NEAR(layer->features[0].perimeterM, 2 * 1111.95 + 2 * 1111.95 * std::cos(36.005 * M_PI / 180.0),
        0.01 * layer->features[0].perimeterM);

    VectorizeOptions keep;
    keep.minAreaM2 = expected * 0.99;
    auto kept = vectorizeMask(mask, keep);
    ASSERT_TRUE(kept);
    EXPECT_EQ(kept->features.size(), 1u);
    VectorizeOptions drop;
    drop.minAreaM2 = expected * 1.01;
    auto dropped = vectorizeMask(mask, drop);
    ASSERT_TRUE(dropped);
    EXPECT_EQ(dropped->features.size(), 0u);
}

TEST_F(MaskVectorizerTest, MinimumAreaInProjectedCrsUsesItsLinearUnit)
{
    auto value = [](int c, int r) -> double { return (c < 10 && r < 10) || (c >= 15 && r >= 15) ? 1 : 0; };
    const auto metres = writeRaster(folder() / "utm.tif", 20, 20, GDT_Byte, 32633, kUtm, value);
    VectorizeOptions options;
    options.minAreaM2 = 9999.0; // keeps the 10×10 (10 000 m²), drops the 5×5 (2 500 m²)
    auto layer = vectorizeMask(metres, options);
    ASSERT_TRUE(layer) << layer.error().message();
    ASSERT_EQ(layer->features.size(), 1u);
    EXPECT_NEAR(layer->features[0].areaM2, 10000.0, 1e-6);

    // NAD83 / California zone 3 in US survey feet: 10 ft pixels, 10×10 = 10 000 ft² = 929.03 m².
    const std::array<double, 6> feet {6000000.0, 10.0, 0.0, 2000000.0, 0.0, -10.0};
    const auto usFeet = writeRaster(folder() / "feet.tif", 20, 20, GDT_Byte, 2227, feet, value);
    const double footInMetres = 1200.0 / 3937.0;
    options.minAreaM2 = 900.0;
    auto inFeet = vectorizeMask(usFeet, options);
    ASSERT_TRUE(inFeet) << inFeet.error().message();
    ASSERT_EQ(inFeet->features.size(), 1u);
    EXPECT_NEAR(inFeet->features[0].areaM2, 10000.0 * footInMetres * footInMetres, 1e-6);
    EXPECT_NEAR(inFeet->features[0].perimeterM, 400.0 * footInMetres, 1e-6);
}

TEST_F(MaskVectorizerTest, SimplificationReducesVerticesKeepsHolesAndValidity)
{
    // A ring-shaped disc: radius 40 px with a hole of radius 15 px.
    auto value = [](int c, int r) -> double {
        const double d = std::hypot(c + 0.5 - 50.0, r + 0.5 - 50.0);
        return (d <= 40.0 && d >= 15.0) ? 1 : 0;
    };
    const auto mask = writeRaster(folder() / "disc.tif", 100, 100, GDT_Byte, 32633, kUtm, value);
    auto raw = vectorizeMask(mask, {});
    ASSERT_TRUE(raw) << raw.error().message();
    ASSERT_EQ(raw->features.size(), 1u);
    VectorizeOptions options;
    options.simplifyTolerance = 15.0; // 1.5 pixels
    auto simplified = vectorizeMask(mask, options);
    ASSERT_TRUE(simplified) << simplified.error().message();
    ASSERT_EQ(simplified->features.size(), 1u);

    auto before = geometryOf(raw->features[0]);
    auto after = geometryOf(simplified->features[0]);
    EXPECT_LT(vertexCount(*after), vertexCount(*before) / 2);
    EXPECT_EQ(interiorRings(*before), 1);
    EXPECT_EQ(interiorRings(*after), 1);
    EXPECT_TRUE(after->IsValid());
    EXPECT_NEAR(simplified->features[0].areaM2, raw->features[0].areaM2, 0.03 * raw->features[0].areaM2);
    EXPECT_DOUBLE_EQ(simplified->features[0].score, 1.0) << "scores come from the pixels, not the simplified shape";
}

TEST_F(MaskVectorizerTest, EmptyMaskGivesAnEmptyLayer)
{
    const auto mask = writeRaster(folder() / "empty.tif", 10, 10, GDT_Byte, 32633, kUtm, [](int, int) { return 0.0; });
    auto layer = vectorizeMask(mask, {});
    ASSERT_TRUE(layer) << layer.error().message();
    EXPECT_TRUE(layer->features.empty());
}

TEST_F(MaskVectorizerTest, BadInputsAreClearErrors)
{
    const auto multiBand = writeRaster(
        folder() / "rgb.tif", 10, 10, GDT_Byte, 32633, kUtm, [](int c, int) { return c; }, 3);
    auto rgb = vectorizeMask(multiBand, {});
    ASSERT_FALSE(rgb);
    EXPECT_EQ(rgb.error().code(), ErrorCode::InvalidData);
    EXPECT_NE(rgb.error().message().find("single-band"), std::string::npos) << rgb.error().message();
    EXPECT_NE(rgb.error().message().find(multiBand.string()), std::string::npos);

    const auto text = folder() / "notes.tif";
    std::ofstream(text) << "this is not a raster\n";
    auto notRaster = vectorizeMask(text, {});
    ASSERT_FALSE(notRaster);
    EXPECT_EQ(notRaster.error().code(), ErrorCode::InvalidData);
    EXPECT_NE(notRaster.error().message().find(text.string()), std::string::npos);

    // An uncompressed GeoTIFF cut in half: the header opens, the pixels are missing.
    const auto whole = writeRaster(
        folder() / "whole.tif", 400, 400, GDT_Byte, 32633, kUtm, [](int c, int r) { return (c + r) % 2; });
    const auto truncated = folder() / "truncated.tif";
    std::filesystem::copy_file(whole, truncated);
    std::filesystem::resize_file(truncated, std::filesystem::file_size(whole) / 2);
    auto cut = vectorizeMask(truncated, {});
    ASSERT_FALSE(cut);
    EXPECT_NE(cut.error().message().find(truncated.string()), std::string::npos) << cut.error().message();

    auto missing = vectorizeMask(folder() / "absent.tif", {});
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code(), ErrorCode::NotFound);
}

TEST_F(MaskVectorizerTest, CancelStopsWithCancelled)
{
    const auto mask = writeRaster(
        folder() / "mask.tif", 300, 300, GDT_Byte, 32633, kUtm, [](int c, int r) { return (c / 3 + r / 3) % 2; });
    ProgressFeedback feedback(std::chrono::milliseconds(0));
    feedback.setListener([&](const ProgressUpdate& update) {
        if (update.fraction > 0.2)
            feedback.cancel();
    });
    auto layer = vectorizeMask(mask, {}, &feedback);
    ASSERT_FALSE(layer);
    EXPECT_EQ(layer.error().code(), ErrorCode::Cancelled);
}


// The features of the first layer of a vector file, as VectorFeatures (geometry as ISO WKB).
std::vector<VectorFeature> readFeatures(const std::filesystem::path& path)
{
    std::vector<VectorFeature> features;
    GDALDataset* dataset = GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR);
    EXPECT_NE(dataset, nullptr) << path;
    if (!dataset)
        return features;
    OGRLayer* layer = dataset->GetLayer(0);
    for (auto& feature : *layer) {
        VectorFeature out;
        const OGRGeometry* geometry = feature->GetGeometryRef();
        out.wkb.resize(static_cast<std::size_t>(geometry->WkbSize()));
        geometry->exportToWkb(wkbNDR, out.wkb.data(), wkbVariantIso);
        out.query = feature->GetFieldAsString("query");
        out.score = feature->GetFieldAsDouble("score");
        out.areaM2 = feature->GetFieldAsDouble("area_m2");
        out.perimeterM = feature->GetFieldAsDouble("perimeter_m");
        out.source = feature->GetFieldAsString("source");
        features.push_back(std::move(out));
    }
    GDALClose(dataset);
    return features;
}

std::vector<std::string> folderContents(const std::filesystem::path& folder)
{
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(folder))
        names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

void expectSameFeatures(const std::vector<VectorFeature>& streamed, const std::vector<VectorFeature>& inMemory)
{
    ASSERT_EQ(streamed.size(), inMemory.size());
    for (std::size_t i = 0; i < streamed.size(); ++i) {
        auto a = geometryOf(streamed[i]);
        auto b = geometryOf(inMemory[i]);
        ASSERT_TRUE(a && b);
        EXPECT_TRUE(a->Equals(b.get())) << "feature " << i;
        EXPECT_DOUBLE_EQ(streamed[i].score, inMemory[i].score) << i;
        EXPECT_DOUBLE_EQ(streamed[i].areaM2, inMemory[i].areaM2) << i;
        EXPECT_DOUBLE_EQ(streamed[i].perimeterM, inMemory[i].perimeterM) << i;
        EXPECT_EQ(streamed[i].query, inMemory[i].query) << i;
        EXPECT_EQ(streamed[i].source, inMemory[i].source) << i;
    }
}

TEST_F(MaskVectorizerTest, StreamingToFileGivesTheInMemoryResultOnTheRealRoadMask)
{
    const auto mask = std::filesystem::path(TEST_DATA_DIR) / "real" / "sample_road_raster_mask.tif";
    for (const VectorizeOptions& options : {VectorizeOptions {}, [] {
             VectorizeOptions shaped;
             shaped.minAreaM2 = 500.0;
             shaped.simplifyTolerance = 0.00002; // degrees: the mask is EPSG:4326
             shaped.query = "roads";
             return shaped;
         }()}) {
        auto inMemory = vectorizeMask(mask, options);
        ASSERT_TRUE(inMemory) << inMemory.error().message();
        ASSERT_GT(inMemory->features.size(), 0u);
        const auto output = folder() / "roads.gpkg";
        auto written = vectorizeMaskToFile(mask, output, options, {});
        ASSERT_TRUE(written) << written.error().message();
        EXPECT_EQ(*written, inMemory->features.size());
        expectSameFeatures(readFeatures(output), inMemory->features);
        EXPECT_EQ(folderContents(folder()), std::vector<std::string> {"roads.gpkg"}) << "no temporary file left";
        std::filesystem::remove(output);
    }
}

TEST_F(MaskVectorizerTest, StreamingGivesGdalPolygonizeRegionsOnTheRealRoadMask)
{
    // The reference: GDALPolygonize (8-connected) straight on the 0/255 band, its 255 polygons.
    const auto mask = std::filesystem::path(TEST_DATA_DIR) / "real" / "sample_road_raster_mask.tif";
    GDALDataset* raster = GDALDataset::Open(mask.c_str(), GDAL_OF_RASTER);
    ASSERT_NE(raster, nullptr);
    GDALDataset* memory
        = GetGDALDriverManager()->GetDriverByName("Memory")->Create("", 0, 0, 0, GDT_Unknown, nullptr);
    OGRLayer* reference = memory->CreateLayer("reference", nullptr, wkbPolygon, nullptr);
    OGRFieldDefn value("DN", OFTInteger);
    reference->CreateField(&value);
    char** polygonizeOptions = CSLSetNameValue(nullptr, "8CONNECTED", "8");
    ASSERT_EQ(GDALPolygonize(GDALRasterBand::ToHandle(raster->GetRasterBand(1)), nullptr,
                  OGRLayer::ToHandle(reference), 0, polygonizeOptions, nullptr, nullptr),
        CE_None);
    CSLDestroy(polygonizeOptions);
    std::vector<std::string> expected;
    for (auto& feature : *reference) {
        if (feature->GetFieldAsInteger(0) != 255)
            continue;
        GeometryPtr geometry(feature->GetGeometryRef()->Normalize());
        char* wkt = nullptr;
        geometry->exportToWkt(&wkt);
        expected.emplace_back(wkt);
        CPLFree(wkt);
    }
    GDALClose(memory);
    GDALClose(raster);
    ASSERT_GT(expected.size(), 0u);

    const auto output = folder() / "roads.gpkg";
    auto written = vectorizeMaskToFile(mask, output, {}, {});
    ASSERT_TRUE(written) << written.error().message();
    std::vector<std::string> actual;
    for (const VectorFeature& feature : readFeatures(output)) {
        GeometryPtr geometry(geometryOf(feature)->Normalize());
        char* wkt = nullptr;
        geometry->exportToWkt(&wkt);
        actual.emplace_back(wkt);
        CPLFree(wkt);
    }
    std::sort(expected.begin(), expected.end());
    std::sort(actual.begin(), actual.end());
    EXPECT_EQ(actual.size(), expected.size());
    EXPECT_TRUE(actual == expected) << "the polygons differ from GDALPolygonize's";
}

TEST_F(MaskVectorizerTest, StreamingScoresRegionsSpanningManyRowChunks)
{
    // 3000 columns: a row chunk is about 350 rows, so the 900-row region is scored across 3-4 chunks.
    // Probabilities vary by row, with a second region nested in a hole of the first.
    auto value = [](int c, int r) -> double {
        if (c >= 1000 && c < 1100 && r >= 400 && r < 500)
            return 0.0; // the hole
        if (c >= 1040 && c < 1060 && r >= 440 && r < 460)
            return 0.0;
        if (c >= 100 && c < 2900 && r >= 50 && r < 950)
            return 128.0 + r % 100;
        return 0.0;
    };
    const auto mask = writeRaster(folder() / "tall.tif", 3000, 1000, GDT_Byte, 32633, kUtm, value);
    double sum = 0.0;
    std::size_t count = 0;
    for (int r = 0; r < 1000; ++r)
        for (int c = 0; c < 3000; ++c)
            if (value(c, r) > 0) {
                sum += value(c, r) / 255.0;
                ++count;
            }
    const auto output = folder() / "tall.geojson";
    auto written = vectorizeMaskToFile(mask, output, {}, {});
    ASSERT_TRUE(written) << written.error().message();
    ASSERT_EQ(*written, 1u);
    const auto features = readFeatures(output);
    ASSERT_EQ(features.size(), 1u);
    EXPECT_NEAR(features[0].score, sum / static_cast<double>(count), 1e-7);
    EXPECT_NEAR(features[0].areaM2, static_cast<double>(count) * 100.0, 1.0);
}

TEST_F(MaskVectorizerTest, StreamingCancelLeavesNoFileAndKeepsAnOldOutput)
{
    const auto mask = writeRaster(
        folder() / "mask.tif", 300, 300, GDT_Byte, 32633, kUtm, [](int c, int r) { return (c / 3 + r / 3) % 2; });
    const auto output = folder() / "out.shp";
    for (double at : {0.05, 0.3, 0.6, 0.8, 0.95}) {
        ProgressFeedback feedback(std::chrono::milliseconds(0));
        feedback.setListener([&](const ProgressUpdate& update) {
            if (update.fraction > at)
                feedback.cancel();
        });
        auto written = vectorizeMaskToFile(mask, output, {}, {}, &feedback);
        ASSERT_FALSE(written) << at;
        EXPECT_EQ(written.error().code(), ErrorCode::Cancelled) << at;
        EXPECT_EQ(folderContents(folder()), std::vector<std::string> {"mask.tif"}) << at;
    }
    const auto geojson = folder() / "old.geojson";
    std::ofstream(geojson) << "{}";
    ProgressFeedback feedback(std::chrono::milliseconds(0));
    feedback.setListener([&](const ProgressUpdate& update) {
        if (update.fraction > 0.5)
            feedback.cancel();
    });
    ASSERT_FALSE(vectorizeMaskToFile(mask, geojson, {}, {}, &feedback));
    EXPECT_EQ(folderContents(folder()), (std::vector<std::string> {"mask.tif", "old.geojson"}));
    EXPECT_EQ(std::filesystem::file_size(geojson), 2u);
}

TEST_F(MaskVectorizerTest, StreamingBadInputsFailBeforeWritingAnything)
{
    const auto mask = writeRaster(folder() / "mask.tif", 30, 30, GDT_Byte, 32633, kUtm, [](int c, int) { return c % 2; });
    const auto rgb = writeRaster(
        folder() / "rgb.tif", 10, 10, GDT_Byte, 32633, kUtm, [](int c, int) { return c; }, 3);
    const auto before = folderContents(folder());

    auto multiBand = vectorizeMaskToFile(rgb, folder() / "out.gpkg", {}, {});
    ASSERT_FALSE(multiBand);
    EXPECT_EQ(multiBand.error().code(), ErrorCode::InvalidData);
    EXPECT_NE(multiBand.error().message().find(rgb.string()), std::string::npos);

    auto missing = vectorizeMaskToFile(folder() / "absent.tif", folder() / "out.gpkg", {}, {});
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code(), ErrorCode::NotFound);

    auto extension = vectorizeMaskToFile(mask, folder() / "out.kml", {}, {});
    ASSERT_FALSE(extension);
    EXPECT_EQ(extension.error().code(), ErrorCode::InvalidArgument);

    ExportOptions geojson3857;
    geojson3857.epsg = 3857;
    auto rfc7946 = vectorizeMaskToFile(mask, folder() / "out.geojson", {}, geojson3857);
    ASSERT_FALSE(rfc7946);
    EXPECT_EQ(rfc7946.error().code(), ErrorCode::InvalidArgument);

    auto noFolder = vectorizeMaskToFile(mask, folder() / "nowhere" / "out.gpkg", {}, {});
    ASSERT_FALSE(noFolder);
    EXPECT_EQ(noFolder.error().code(), ErrorCode::NotFound);
    EXPECT_NE(noFolder.error().message().find("nowhere"), std::string::npos);

    VectorizeOptions negative;
    negative.minAreaM2 = -1;
    auto badOption = vectorizeMaskToFile(mask, folder() / "out.gpkg", negative, {});
    ASSERT_FALSE(badOption);
    EXPECT_EQ(badOption.error().code(), ErrorCode::InvalidArgument);

    if (::geteuid() != 0) { // root writes into read-only folders
        const auto readOnly = folder() / "read-only";
        std::filesystem::create_directory(readOnly);
        std::filesystem::permissions(readOnly, std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
        auto denied = vectorizeMaskToFile(mask, readOnly / "out.gpkg", {}, {});
        std::filesystem::permissions(readOnly, std::filesystem::perms::owner_all);
        ASSERT_FALSE(denied);
        EXPECT_NE(denied.error().message().find("output folder"), std::string::npos) << denied.error().message();
        EXPECT_TRUE(std::filesystem::is_empty(readOnly));
        std::filesystem::remove(readOnly);
    }
    EXPECT_EQ(folderContents(folder()), before);
}

} // namespace
} // namespace refermap::geo
