#include "geo/vector_export.h"

#include "support/temporary_folder.h"

#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogr_geometry.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace refermap::geo {
namespace {

using refermap::testing::TemporaryFolderTest;

std::string wktOf(int epsg)
{
    OGRSpatialReference crs;
    crs.importFromEPSG(epsg);
    char* wkt = nullptr;
    crs.exportToWkt(&wkt);
    std::string text = wkt;
    CPLFree(wkt);
    return text;
}

std::vector<unsigned char> wkbOf(const std::string& wkt)
{
    OGRGeometry* geometry = nullptr;
    OGRGeometryFactory::createFromWkt(wkt.c_str(), nullptr, &geometry);
    std::vector<unsigned char> wkb(static_cast<std::size_t>(geometry->WkbSize()));
    geometry->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
    OGRGeometryFactory::destroyGeometry(geometry);
    return wkb;
}

// `count` 300 m squares (one with a hole) in UTM 18N, over RGB.byte.tif's area (about 77.7°W 24.5°N).
VectorLayer utmLayer(int count = 2)
{
    VectorLayer layer;
    layer.crsWkt = wktOf(32618);
    for (int i = 0; i < count; ++i) {
        const double x = 220650.0 + 600.0 * (i % 100);
        const double y = 2719200.0 + 600.0 * (i / 100);
        std::ostringstream wkt;
        wkt.precision(12);
        wkt << "POLYGON ((" << x << ' ' << y << ',' << x + 300 << ' ' << y << ',' << x + 300 << ' ' << y + 300 << ','
            << x << ' ' << y + 300 << ',' << x << ' ' << y << ")";
        if (i == 0)
            wkt << ",(" << x + 100 << ' ' << y + 100 << ',' << x + 100 << ' ' << y + 200 << ',' << x + 200 << ' '
                << y + 200 << ',' << x + 200 << ' ' << y + 100 << ',' << x + 100 << ' ' << y + 100 << ")";
        wkt << ")";
        VectorFeature feature;
        feature.wkb = wkbOf(wkt.str());
        feature.query = "the large roof near the river — ünïcode";
        feature.score = 0.75;
        feature.areaM2 = i == 0 ? 80000.0 : 90000.0;
        feature.perimeterM = 1200.0;
        feature.model = "refermap-test";
        feature.source = "/data/scene.tif";
        feature.runId = "run-7";
        feature.edited = i % 2 == 1;
        layer.features.push_back(std::move(feature));
    }
    return layer;
}

std::set<std::string> listFolder(const std::filesystem::path& folder)
{
    std::set<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(folder))
        names.insert(entry.path().filename().string());
    return names;
}

struct Opened {
    GDALDataset* dataset = nullptr;
    ~Opened()
    {
        if (dataset)
            GDALClose(dataset);
    }
};

class VectorExportTest : public TemporaryFolderTest { };

TEST_F(VectorExportTest, FormatComesFromTheExtension)
{
    EXPECT_EQ(*vectorFormatForPath("a/b.gpkg"), "GPKG");
    EXPECT_EQ(*vectorFormatForPath("b.GeoJSON"), "GeoJSON");
    EXPECT_EQ(*vectorFormatForPath("b.json"), "GeoJSON");
    EXPECT_EQ(*vectorFormatForPath("b.shp"), "ESRI Shapefile");
    auto unknown = vectorFormatForPath("b.kml");
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().code(), ErrorCode::InvalidArgument);
    EXPECT_NE(unknown.error().message().find("b.kml"), std::string::npos);
}

TEST_F(VectorExportTest, GeoPackageKeepsTheLayerCrsAndAllAttributes)
{
    const auto path = folder() / "roofs.gpkg";
    ASSERT_TRUE(exportLayer(utmLayer(), path, {}));
    EXPECT_EQ(listFolder(folder()), std::set<std::string> {"roofs.gpkg"});
    Opened opened {GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR)};
    ASSERT_TRUE(opened.dataset);
    OGRLayer* layer = opened.dataset->GetLayerByName("roofs");
    ASSERT_TRUE(layer);
    EXPECT_EQ(layer->GetFeatureCount(), 2);
    EXPECT_STREQ(layer->GetSpatialRef()->GetAuthorityCode(nullptr), "32618");
    OGRFeature* feature = layer->GetNextFeature();
    ASSERT_TRUE(feature);
    EXPECT_STREQ(feature->GetFieldAsString("query"), "the large roof near the river — ünïcode");
    EXPECT_DOUBLE_EQ(feature->GetFieldAsDouble("score"), 0.75);
    EXPECT_DOUBLE_EQ(feature->GetFieldAsDouble("area_m2"), 80000.0);
    EXPECT_DOUBLE_EQ(feature->GetFieldAsDouble("perimeter_m"), 1200.0);
    EXPECT_STREQ(feature->GetFieldAsString("model"), "refermap-test");
    EXPECT_STREQ(feature->GetFieldAsString("source"), "/data/scene.tif");
    EXPECT_STREQ(feature->GetFieldAsString("run_id"), "run-7");
    EXPECT_EQ(feature->GetFieldAsInteger("edited"), 0);
    EXPECT_EQ(feature->GetFieldDefnRef(feature->GetFieldIndex("edited"))->GetSubType(), OFSTBoolean);
    EXPECT_EQ(feature->GetGeometryRef()->toPolygon()->getNumInteriorRings(), 1) << "holes kept";
    OGRFeature::DestroyFeature(feature);
}

TEST_F(VectorExportTest, GeoJsonIsLonLatWgs84)
{
    const auto path = folder() / "roofs.geojson";
    ASSERT_TRUE(exportLayer(utmLayer(), path, {}));
    EXPECT_EQ(listFolder(folder()), std::set<std::string> {"roofs.geojson"});
    std::ifstream in(path);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(text.find("\"crs\""), std::string::npos) << "RFC 7946 has no crs member";
    Opened opened {GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR)};
    ASSERT_TRUE(opened.dataset);
    OGRLayer* layer = opened.dataset->GetLayer(0);
    OGREnvelope envelope;
    ASSERT_EQ(layer->GetExtent(&envelope), OGRERR_NONE);
    EXPECT_GT(envelope.MinX, -78.0); // longitude first
    EXPECT_LT(envelope.MaxX, -77.5);
    EXPECT_GT(envelope.MinY, 24.4);
    EXPECT_LT(envelope.MaxY, 24.7);

    auto wrongCrs = exportLayer(utmLayer(), folder() / "other.geojson", {"", 3857, ""});
    ASSERT_FALSE(wrongCrs);
    EXPECT_EQ(wrongCrs.error().code(), ErrorCode::InvalidArgument);
}

TEST_F(VectorExportTest, ShapefileHasAllSidecarsAndShortFieldNames)
{
    const auto path = folder() / "roofs.shp";
    ASSERT_TRUE(exportLayer(utmLayer(), path, {}));
    EXPECT_EQ(listFolder(folder()),
        (std::set<std::string> {"roofs.shp", "roofs.shx", "roofs.dbf", "roofs.prj", "roofs.cpg"}));
    std::ifstream cpg(folder() / "roofs.cpg");
    std::string encoding;
    cpg >> encoding;
    EXPECT_EQ(encoding, "UTF-8");
    Opened opened {GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR)};
    ASSERT_TRUE(opened.dataset);
    OGRLayer* layer = opened.dataset->GetLayer(0);
    EXPECT_EQ(layer->GetFeatureCount(), 2);
    OGRFeatureDefn* definition = layer->GetLayerDefn();
    std::set<std::string> names;
    for (int i = 0; i < definition->GetFieldCount(); ++i) {
        names.insert(definition->GetFieldDefn(i)->GetNameRef());
        EXPECT_LE(std::strlen(definition->GetFieldDefn(i)->GetNameRef()), 10u);
    }
    EXPECT_EQ(
        names, (std::set<std::string> {"query", "score", "area_m2", "perim_m", "model", "source", "run_id", "edited"}));
    OGRFeature* feature = layer->GetNextFeature();
    EXPECT_STREQ(feature->GetFieldAsString("query"), "the large roof near the river — ünïcode");
    OGRFeature::DestroyFeature(feature);
    EXPECT_TRUE(layer->GetSpatialRef());

    // A second export replaces the first and removes a stale spatial index.
    std::ofstream(folder() / "roofs.qix") << "stale";
    ASSERT_TRUE(exportLayer(utmLayer(5), path, {}));
    EXPECT_FALSE(std::filesystem::exists(folder() / "roofs.qix"));
    EXPECT_EQ(listFolder(folder()).size(), 5u);
}

TEST_F(VectorExportTest, ReprojectsToTheRequestedEpsg)
{
    const auto path = folder() / "roofs.gpkg";
    ASSERT_TRUE(exportLayer(utmLayer(), path, {"", 4326, "lonlat"}));
    Opened opened {GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR)};
    OGRLayer* layer = opened.dataset->GetLayerByName("lonlat");
    ASSERT_TRUE(layer);
    OGREnvelope envelope;
    ASSERT_EQ(layer->GetExtent(&envelope), OGRERR_NONE);
    EXPECT_NEAR(envelope.MinX, -77.76, 0.05) << "x is longitude (traditional GIS order)";
    EXPECT_NEAR(envelope.MinY, 24.56, 0.05);
}

TEST_F(VectorExportTest, BadRequestsFailCleanly)
{
    auto unknown = exportLayer(utmLayer(), folder() / "roofs.kml", {});
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().code(), ErrorCode::InvalidArgument);

    auto impossible = exportLayer(utmLayer(), folder() / "roofs.gpkg", {"", 999999, ""});
    ASSERT_FALSE(impossible);
    EXPECT_EQ(impossible.error().code(), ErrorCode::InvalidArgument);
    EXPECT_NE(impossible.error().message().find("EPSG:999999"), std::string::npos) << impossible.error().message();

    VectorLayer noCrs = utmLayer();
    noCrs.crsWkt.clear();
    auto noSource = exportLayer(noCrs, folder() / "roofs.geojson", {});
    ASSERT_FALSE(noSource);
    EXPECT_TRUE(listFolder(folder()).empty());
}

TEST_F(VectorExportTest, ReadOnlyFolderNamesTheFolderAndLeavesNothing)
{
    std::filesystem::path target;
    std::filesystem::path named;
    if (::geteuid() == 0) {
        // Permissions do not stop root: use a path under a regular file instead.
        named = folder() / "file.txt";
        std::ofstream(named) << "a file, not a folder";
        target = named / "roofs.gpkg";
    } else {
        named = folder() / "locked";
        std::filesystem::create_directory(named);
        ::chmod(named.c_str(), 0555);
        target = named / "roofs.gpkg";
    }
    for (const char* extension : {".gpkg", ".geojson", ".shp"}) {
        auto written = exportLayer(utmLayer(), std::filesystem::path(target).replace_extension(extension), {});
        ASSERT_FALSE(written) << extension;
        EXPECT_NE(written.error().message().find(named.string()), std::string::npos) << written.error().message();
    }
    if (::geteuid() == 0) {
        EXPECT_EQ(listFolder(folder()), std::set<std::string> {"file.txt"});
    } else {
        EXPECT_TRUE(listFolder(named).empty());
        ::chmod(named.c_str(), 0755);
    }
}

TEST_F(VectorExportTest, CancelLeavesNoFileAndKeepsTheOldOutput)
{
    const VectorLayer big = utmLayer(3000);
    for (const char* name : {"roofs.gpkg", "roofs.geojson", "roofs.shp"}) {
        SCOPED_TRACE(name);
        const auto path = folder() / name;
        ProgressFeedback feedback(std::chrono::milliseconds(0));
        feedback.setListener([&](const ProgressUpdate& update) {
            if (update.fraction > 0.5)
                feedback.cancel();
        });
        auto cancelled = exportLayer(big, path, {}, &feedback);
        ASSERT_FALSE(cancelled);
        EXPECT_EQ(cancelled.error().code(), ErrorCode::Cancelled);
        EXPECT_TRUE(listFolder(folder()).empty());

        // An existing output survives a cancelled export untouched.
        ASSERT_TRUE(exportLayer(utmLayer(2), path, {}));
        const auto before = listFolder(folder());
        const auto size = std::filesystem::file_size(path);
        ProgressFeedback again(std::chrono::milliseconds(0));
        again.setListener([&](const ProgressUpdate& update) {
            if (update.fraction > 0.5)
                again.cancel();
        });
        ASSERT_FALSE(exportLayer(big, path, {}, &again));
        EXPECT_EQ(listFolder(folder()), before);
        EXPECT_EQ(std::filesystem::file_size(path), size);
        for (const auto& entry : std::filesystem::directory_iterator(folder()))
            std::filesystem::remove(entry.path());
    }
}

} // namespace
} // namespace refermap::geo
