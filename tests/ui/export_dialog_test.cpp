#include "engine/mask_export.h"
#include "ui/export_dialog.h"

#include <QApplication>
#include <QComboBox>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <filesystem>
#include <memory>

using refermap::ProgressFeedback;
using refermap::engine::ExportRequest;
using refermap::engine::MaskExportFormat;
using refermap::ui::ExportDialog;

namespace {

const std::filesystem::path maskPath = std::filesystem::path(TEST_DATA_DIR) / "real" / "sample_road_raster_mask.tif";

bool sameCrs(const OGRSpatialReference* actual, int epsg)
{
    if (!actual)
        return false;
    OGRSpatialReference expected;
    if (expected.importFromEPSG(epsg) != OGRERR_NONE)
        return false;
    const char* options[]
        = {"IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES", "CRITERION=EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS", nullptr};
    return actual->IsSame(&expected, options) != 0;
}

} // namespace

class ExportDialogTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        GDALAllRegister();
        QVERIFY(std::filesystem::is_regular_file(maskPath));
    }

    void exportsPolygonsToEachFormat_data()
    {
        QTest::addColumn<int>("format");
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("epsg"); // 0: the raster's (EPSG:4326)
        QTest::addColumn<double>("minArea");
        QTest::newRow("GeoPackage in UTM 11N") << int(MaskExportFormat::GeoPackage) << "roads.gpkg" << 32611 << 20.0;
        QTest::newRow("GeoJSON") << int(MaskExportFormat::GeoJson) << "roads.geojson" << 4326 << 5.0;
        QTest::newRow("Shapefile in the raster's CRS") << int(MaskExportFormat::Shapefile) << "roads.shp" << 0 << 50.0;
        QTest::newRow("Shapefile in Web Mercator") << int(MaskExportFormat::Shapefile) << "mercator.shp" << 3857 << 0.0;
    }

    void exportsPolygonsToEachFormat()
    {
        QFETCH(int, format);
        QFETCH(QString, file);
        QFETCH(int, epsg);
        QFETCH(double, minArea);
        QTemporaryDir folder;
        ExportRequest request;
        request.format = static_cast<MaskExportFormat>(format);
        request.output = std::filesystem::path(folder.path().toStdString()) / file.toStdString();
        if (epsg)
            request.epsg = epsg;
        request.simplifyPixels = 1.0;
        request.minAreaM2 = minArea;
        request.query = "roads";
        ProgressFeedback feedback;
        auto written = refermap::engine::runExport(request, maskPath, feedback);
        QVERIFY2(written, written ? "" : written.error().message().c_str());
        QVERIFY(*written > 0);
        QCOMPARE(feedback.progress(), 1.0);

        std::unique_ptr<GDALDataset> dataset(
            GDALDataset::Open(request.output.string().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
        QVERIFY(dataset);
        OGRLayer* layer = dataset->GetLayer(0);
        QVERIFY(layer);
        QCOMPARE(static_cast<std::size_t>(layer->GetFeatureCount()), *written);
        QVERIFY(sameCrs(layer->GetSpatialRef(), epsg ? epsg : 4326));
        const int areaField = layer->GetLayerDefn()->GetFieldIndex("area_m2");
        QVERIFY(areaField >= 0);
        layer->ResetReading();
        int checked = 0;
        for (auto& feature : *layer) {
            QVERIFY(feature->GetFieldAsDouble(areaField) >= minArea);
            QCOMPARE(QString::fromUtf8(feature->GetFieldAsString("query")), QStringLiteral("roads"));
            QVERIFY(feature->GetGeometryRef() && !feature->GetGeometryRef()->IsEmpty());
            ++checked;
        }
        QCOMPARE(static_cast<std::size_t>(checked), *written);
        // Nothing but the output (and, for a Shapefile, its sidecars) is left in the folder.
        for (const auto& entry : std::filesystem::directory_iterator(folder.path().toStdString()))
            QVERIFY2(entry.path().stem() == request.output.stem(), entry.path().c_str());
    }

    void exportsTheMaskAsGeoTiff_data()
    {
        QTest::addColumn<int>("epsg");
        QTest::newRow("raster's CRS") << 0;
        QTest::newRow("UTM 11N") << 32611;
    }

    void exportsTheMaskAsGeoTiff()
    {
        QFETCH(int, epsg);
        QTemporaryDir folder;
        ExportRequest request;
        request.format = MaskExportFormat::MaskGeoTiff;
        request.output = std::filesystem::path(folder.path().toStdString()) / "mask.tif";
        if (epsg)
            request.epsg = epsg;
        ProgressFeedback feedback;
        auto written = refermap::engine::runExport(request, maskPath, feedback);
        QVERIFY2(written, written ? "" : written.error().message().c_str());

        std::unique_ptr<GDALDataset> source(GDALDataset::Open(maskPath.string().c_str(), GDAL_OF_RASTER));
        std::unique_ptr<GDALDataset> copy(GDALDataset::Open(request.output.string().c_str(), GDAL_OF_RASTER));
        QVERIFY(copy);
        QCOMPARE(copy->GetRasterCount(), 1);
        QVERIFY(sameCrs(copy->GetSpatialRef(), epsg ? epsg : 4326));
        double sourceMax[2] = {};
        double copyMax[2] = {};
        QCOMPARE(source->GetRasterBand(1)->ComputeRasterMinMax(FALSE, sourceMax), CE_None);
        QCOMPARE(copy->GetRasterBand(1)->ComputeRasterMinMax(FALSE, copyMax), CE_None);
        QVERIFY(copyMax[1] > 0); // foreground survived
        QCOMPARE(copyMax[1], sourceMax[1]); // nearest neighbour: no new values
        if (!epsg) {
            QCOMPARE(copy->GetRasterXSize(), source->GetRasterXSize());
            QCOMPARE(copy->GetRasterYSize(), source->GetRasterYSize());
        }
    }

    void refusesBadRequestsAndLeavesNothingWhenCancelled()
    {
        QTemporaryDir folder;
        const std::filesystem::path base(folder.path().toStdString());
        ExportRequest request;
        request.format = MaskExportFormat::GeoPackage;
        request.output = base / "roads.gpkg";
        request.epsg = 999999;
        ProgressFeedback feedback;
        auto unknownCode = refermap::engine::runExport(request, maskPath, feedback);
        QVERIFY(!unknownCode);
        QCOMPARE(unknownCode.error().code(), refermap::ErrorCode::InvalidArgument);
        QVERIFY(QString::fromStdString(unknownCode.error().message()).contains(QStringLiteral("999999")));

        request.format = MaskExportFormat::GeoJson;
        request.output = base / "roads.geojson";
        request.epsg = 32611;
        QVERIFY(!refermap::engine::runExport(request, maskPath, feedback));

        request.format = MaskExportFormat::Shapefile; // suffix does not fit
        request.epsg.reset();
        QVERIFY(!refermap::engine::runExport(request, maskPath, feedback));

        auto missing = refermap::engine::runExport(request, base / "no-such-mask.tif", feedback);
        QVERIFY(!missing);

        for (MaskExportFormat format : {MaskExportFormat::GeoPackage, MaskExportFormat::MaskGeoTiff}) {
            ProgressFeedback cancelled;
            cancelled.cancel();
            request.format = format;
            request.output = base / ("cancelled" + refermap::engine::suffixFor(format));
            request.epsg = 32611;
            auto result = refermap::engine::runExport(request, maskPath, cancelled);
            QVERIFY(!result);
            QCOMPARE(result.error().code(), refermap::ErrorCode::Cancelled);
        }
        QVERIFY(std::filesystem::is_empty(base));
    }

    void dialogBuildsTheRequest()
    {
        QTemporaryDir folder;
        ExportDialog dialog(QString::fromStdString(maskPath.string()), folder.filePath(QStringLiteral("roads")));
        QCOMPARE(dialog.outputPath(), folder.filePath(QStringLiteral("roads.gpkg")));
        auto* crs = dialog.findChild<QComboBox*>(QStringLiteral("crs"));
        QVERIFY(crs && crs->currentText().contains(QStringLiteral("EPSG:4326"))); // names the raster's CRS

        dialog.setFormat(MaskExportFormat::Shapefile);
        QCOMPARE(dialog.outputPath(), folder.filePath(QStringLiteral("roads.shp")));
        dialog.setCrs(ExportDialog::CrsChoice::Epsg, 32611);
        dialog.setSimplifyPixels(1.5);
        dialog.setMinimumAreaM2(25);
        ExportRequest request = dialog.request();
        QCOMPARE(request.format, MaskExportFormat::Shapefile);
        QCOMPARE(request.output.string(), folder.filePath(QStringLiteral("roads.shp")).toStdString());
        QCOMPARE(request.epsg.value_or(0), 32611);
        QCOMPARE(request.simplifyPixels, 1.5);
        QCOMPARE(request.minAreaM2, 25.0);
        QVERIFY(dialog.problems().isEmpty());
        dialog.accept();
        QCOMPARE(dialog.result(), int(QDialog::Accepted));

        dialog.setCrs(ExportDialog::CrsChoice::Epsg, 999999);
        QVERIFY(dialog.problems().join('\n').contains(QStringLiteral("999999")));

        dialog.setFormat(MaskExportFormat::GeoJson); // RFC 7946: WGS 84 only
        QCOMPARE(dialog.crsChoice(), ExportDialog::CrsChoice::Wgs84);
        QVERIFY(!crs->isEnabled());
        QCOMPARE(dialog.request().epsg.value_or(0), 4326);
        QCOMPARE(dialog.outputPath(), folder.filePath(QStringLiteral("roads.geojson")));

        dialog.setFormat(MaskExportFormat::MaskGeoTiff);
        QCOMPARE(dialog.outputPath(), folder.filePath(QStringLiteral("roads.tif")));
        QCOMPARE(dialog.request().minAreaM2, 0.0); // polygon options do not apply
        dialog.setOutputPath(folder.filePath(QStringLiteral("missing-folder/roads.tif")));
        dialog.setResult(QDialog::Rejected);
        dialog.accept();
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
        QVERIFY(dialog.problemText().contains(QStringLiteral("missing-folder")));
    }
};

QTEST_MAIN(ExportDialogTest)
#include "export_dialog_test.moc"
