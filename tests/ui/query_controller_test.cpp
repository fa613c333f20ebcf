#include "ui/query_controller.h"

#include "geo/gdal_environment.h"
#include "ui/layer_model.h"

#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <gdal_priv.h>

#include <tuple>

using namespace refermap;
using namespace refermap::ui;

namespace {

const std::filesystem::path demoModel = std::filesystem::path(TEST_SOURCE_DIR) / "resources/models/refermap-demo-tiny.refermap";

int filesUnder(const QString& folder)
{
    int count = 0;
    std::error_code ignored;
    if (!std::filesystem::exists(folder.toStdString()))
        return 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(folder.toStdString(), ignored)) {
        (void)entry;
        ++count;
    }
    return count;
}

AppSettings demoSettings(int tile)
{
    AppSettings settings = AppSettings::defaults();
    settings.modelFile = QString::fromStdString(demoModel.string());
    settings.device = QStringLiteral("cpu");
    settings.tileSize = tile;
    return settings;
}

// A query controller writing under a scratch folder, over RGB.byte.tif.
struct Session {
    QTemporaryDir folder;
    LayerModel layers;
    TaskManager tasks;
    QueryController controller {layers, tasks};
    RasterLayer* rasterLayer = nullptr;

    Session()
    {
        controller.setOutputRoot(folder.path());
        if (auto raster = RasterLayer::open(std::filesystem::path(TEST_DATA_DIR) / "real/RGB.byte.tif"))
            rasterLayer = static_cast<RasterLayer*>(layers.addLayer(std::move(*raster)));
    }
    auto parts() { return std::tie(folder, layers, tasks, controller, rasterLayer); }
};

} // namespace

class QueryControllerTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        geo::ensureGdalInitialised();
    }

    void aFinishedQueryBecomesAMaskLayerInTheRastersGrid()
    {
        Session session;
        QVERIFY(session.rasterLayer);
        auto [folder, layers, tasks, controller, rasterLayer] = session.parts();
        QSignalSpy finished(&controller, &QueryController::queryFinished);
        QVERIFY(controller.run(rasterLayer, QStringLiteral("the blue storage tank"), demoSettings(384)));
        QVERIFY(controller.isRunning());
        QVERIFY(!controller.run(rasterLayer, QStringLiteral("another"), demoSettings(384))); // one at a time
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 300000);
        auto* layer = finished.at(0).at(0).value<MaskLayer*>();
        QVERIFY2(layer, qPrintable(finished.at(0).at(1).toString()));
        QVERIFY(!controller.isRunning());
        QCOMPARE(layers.layerAt(0), static_cast<MapLayer*>(layer));
        QCOMPARE(layer->name(), QStringLiteral("the blue storage tank"));
        QCOMPARE(layer->settings().tile, 384);
        QCOMPARE(layer->settings().device, QStringLiteral("cpu"));
        QCOMPARE(layer->settings().scope, QStringLiteral("raster"));
        QCOMPARE(layer->mask().width(), 791);
        QCOMPARE(layer->mask().height(), 718);
        QCOMPARE(layer->mask().geoTransform().value(), rasterLayer->renderer().geoTransform());
        QVERIFY(std::filesystem::exists(layer->maskPath()));
        QVERIFY(std::filesystem::exists(layer->probabilityPath()));
    }

    void aVisibleExtentQueryIsPlacedBackInTheRastersGrid()
    {
        Session session;
        QVERIFY(session.rasterLayer);
        auto [folder, layers, tasks, controller, rasterLayer] = session.parts();
        QSignalSpy finished(&controller, &QueryController::queryFinished);
        const geo::PixelRect window{200, 150, 300, 260};
        QVERIFY(controller.run(rasterLayer, QStringLiteral("the red building"), demoSettings(256), window));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 300000);
        auto* layer = finished.at(0).at(0).value<MaskLayer*>();
        QVERIFY2(layer, qPrintable(finished.at(0).at(1).toString()));
        QCOMPARE(layer->settings().scope, QStringLiteral("view"));
        QCOMPARE(layer->mask().width(), 791);
        QCOMPARE(layer->mask().height(), 718);
        QCOMPARE(layer->mask().geoTransform().value(), rasterLayer->renderer().geoTransform());
        // The probabilities exist inside the window only: outside it the placed layer is 0, inside
        // it equals the window's own output.
        GDALDatasetUniquePtr placed(GDALDataset::Open(layer->probabilityPath().c_str(), GDAL_OF_RASTER));
        GDALDatasetUniquePtr own(GDALDataset::Open((layer->probabilityPath().parent_path() / "probability.tif").c_str(), GDAL_OF_RASTER));
        QVERIFY(placed && own);
        std::vector<std::uint8_t> whole(791 * 718), part(300 * 260);
        QCOMPARE(placed->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, 791, 718, whole.data(), 791, 718, GDT_Byte, 0, 0), CE_None);
        QCOMPARE(own->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, 300, 260, part.data(), 300, 260, GDT_Byte, 0, 0), CE_None);
        long outside = 0;
        bool insideEqual = true;
        for (int y = 0; y < 718; ++y) {
            for (int x = 0; x < 791; ++x) {
                const bool in = x >= 200 && x < 500 && y >= 150 && y < 410;
                const std::uint8_t value = whole[static_cast<std::size_t>(y) * 791 + x];
                if (!in)
                    outside += value;
                else if (value != part[static_cast<std::size_t>(y - 150) * 300 + (x - 200)])
                    insideEqual = false;
            }
        }
        QCOMPARE(outside, 0L);
        QVERIFY(insideEqual);
        QVERIFY(*std::max_element(part.begin(), part.end()) > 0);
    }

    void aCancelledQueryLeavesNoLayerAndNoFile()
    {
        Session session;
        QVERIFY(session.rasterLayer);
        auto [folder, layers, tasks, controller, rasterLayer] = session.parts();
        QSignalSpy finished(&controller, &QueryController::queryFinished);
        QSignalSpy progress(&tasks, &TaskManager::progress);
        QVERIFY(controller.run(rasterLayer, QStringLiteral("the white building"), demoSettings(128)));
        // Wait until tiles are being computed, then cancel; the event loop keeps running meanwhile.
        QTRY_VERIFY_WITH_TIMEOUT(progress.count() >= 2, 120000);
        controller.cancel();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 120000);
        QVERIFY(finished.at(0).at(0).value<MaskLayer*>() == nullptr);
        QCOMPARE(layers.layerCount(), 1);
        QTRY_COMPARE(filesUnder(folder.path()), 0);
    }

    void aFailedQuerySaysWhy()
    {
        Session session;
        QVERIFY(session.rasterLayer);
        auto [folder, layers, tasks, controller, rasterLayer] = session.parts();
        QSignalSpy finished(&controller, &QueryController::queryFinished);
        AppSettings settings = demoSettings(256);
        settings.modelFile = folder.filePath(QStringLiteral("missing.refermap"));
        QVERIFY(controller.run(rasterLayer, QStringLiteral("the tanks"), settings));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
        QVERIFY(finished.at(0).at(0).value<MaskLayer*>() == nullptr);
        QVERIFY(finished.at(0).at(1).toString().contains(QStringLiteral("missing.refermap")));
        QCOMPARE(filesUnder(folder.path()), 0);
    }
};

QTEST_MAIN(QueryControllerTest)
#include "query_controller_test.moc"
