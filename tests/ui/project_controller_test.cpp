#include "ui/project_controller.h"

#include "geo/gdal_environment.h"
#include "project/project_store.h"
#include "ui/layer_model.h"

#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

using namespace refermap;
using namespace refermap::ui;

namespace {

std::uint64_t maskHash(geo::EditableMask& mask)
{
    std::uint64_t hash = 1469598103934665603ULL;
    for (int r = 0; r < mask.tileRows(); ++r)
        for (int c = 0; c < mask.tileColumns(); ++c) {
            const auto bytes = mask.tile(c, r);
            for (std::uint8_t value : bytes.value())
                hash = (hash ^ value) * 1099511628211ULL;
        }
    return hash;
}

struct Session {
    LayerModel layers;
    RasterLayer* raster = nullptr;
    MaskLayer* mask = nullptr;

    explicit Session(const std::filesystem::path& rasterPath)
    {
        raster = static_cast<RasterLayer*>(layers.addLayer(RasterLayer::open(rasterPath).value()));
        const auto& grid = raster->renderer();
        auto blank = geo::EditableMask::blank(grid.width(), grid.height(), grid.geoTransform(), grid.crsWkt());
        QuerySettings settings;
        settings.tile = 384;
        settings.threshold = 0.4;
        mask = static_cast<MaskLayer*>(layers.addLayer(
            std::make_unique<MaskLayer>(raster, std::move(blank.value()), QStringLiteral("the roads"), settings)));
    }

    void stroke(double x, double y)
    {
        auto edit = mask->mask().paintStroke({{x, y}, {x + 60, y + 30}}, 6.0, true);
        QVERIFY(edit);
        mask->notifyPixelsChanged(QRect(int(x) - 8, int(y) - 8, 80, 50));
    }
};

} // namespace

class ProjectControllerTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        geo::ensureGdalInitialised();
    }

    void saveCloseAndReopenGivesTheSameLayersAndEdits()
    {
        QTemporaryDir folder;
        const QString path = folder.filePath(QStringLiteral("harbour.refermap.gpkg"));
        Session session(std::filesystem::path(TEST_DATA_DIR) / "real/RGB.byte.tif");
        ProjectController controller(session.layers);
        controller.setAutosaveDelay(0);
        session.stroke(100, 100);
        session.mask->setName(QStringLiteral("Roads"));
        session.mask->setColor(QColor(QStringLiteral("#123456")));
        session.mask->setOpacity(0.3);
        project::ViewState view;
        view.centreX = 400;
        view.centreY = 300;
        view.scale = 2.5;
        QVERIFY(controller.saveAs(path, view));
        QCOMPARE(controller.path(), path);
        QVERIFY(!controller.isDirty());
        QVERIFY(controller.dataFolder().endsWith(QStringLiteral("harbour-data")));

        // A later edit, written by save() as a change of one or two tiles.
        session.stroke(600, 500);
        QVERIFY(controller.isDirty());
        QVERIFY(controller.save(view));
        const std::uint64_t expected = maskHash(session.mask->mask());

        LayerModel reopened;
        ProjectController second(reopened);
        QStringList problems;
        auto restoredView = second.open(path, problems);
        QVERIFY2(restoredView, restoredView ? "" : restoredView.error().message().c_str());
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
        QVERIFY(restoredView->has_value());
        QCOMPARE((*restoredView)->scale, 2.5);
        QCOMPARE(reopened.layerCount(), 2);
        auto* mask = qobject_cast<MaskLayer*>(reopened.layerAt(0));
        QVERIFY(mask);
        QCOMPARE(mask->name(), QStringLiteral("Roads"));
        QCOMPARE(mask->queryText(), QStringLiteral("the roads"));
        QCOMPARE(mask->color(), QColor(QStringLiteral("#123456")));
        QCOMPARE(mask->opacity(), 0.3);
        QCOMPARE(mask->settings().tile, 384);
        QCOMPARE(mask->settings().threshold, 0.4);
        QVERIFY(mask->isEdited());
        QCOMPARE(maskHash(mask->mask()), expected);
        QCOMPARE(mask->raster(), reopened.layerAt(1));
    }

    void autosaveWritesOffTheGuiThreadAndKeepsTheLastState()
    {
        QTemporaryDir folder;
        const QString path = folder.filePath(QStringLiteral("auto.refermap.gpkg"));
        Session session(std::filesystem::path(TEST_DATA_DIR) / "real/RGB.byte.tif");
        ProjectController controller(session.layers);
        controller.setAutosaveDelay(50);
        QVERIFY(controller.saveAs(path, {}));
        connect(&controller, &ProjectController::autosaveDue, &controller, [&controller] { controller.autosave({}); });
        QSignalSpy saved(&controller, &ProjectController::saved);
        session.stroke(300, 200);
        QTRY_VERIFY_WITH_TIMEOUT(saved.count() >= 1, 10000);
        QTRY_VERIFY(!controller.isDirty());
        controller.waitForAutosave();
        const std::uint64_t expected = maskHash(session.mask->mask());

        LayerModel reopened;
        ProjectController second(reopened);
        QStringList problems;
        QVERIFY(second.open(path, problems));
        auto* mask = qobject_cast<MaskLayer*>(reopened.layerAt(0));
        QVERIFY(mask);
        QCOMPARE(maskHash(mask->mask()), expected);
    }

    void aMissingRasterIsReportedAndTheFileKept()
    {
        QTemporaryDir folder;
        const std::filesystem::path copy = folder.filePath(QStringLiteral("copy.tif")).toStdString();
        std::filesystem::copy_file(std::filesystem::path(TEST_DATA_DIR) / "real/RGB.byte.tif", copy);
        const QString path = folder.filePath(QStringLiteral("moved.refermap.gpkg"));
        {
            Session session(copy);
            ProjectController controller(session.layers);
            session.stroke(50, 50);
            QVERIFY(controller.saveAs(path, {}));
        }
        std::filesystem::remove(copy);
        const auto before = std::filesystem::file_size(path.toStdString());
        LayerModel reopened;
        ProjectController controller(reopened);
        QStringList problems;
        QVERIFY(controller.open(path, problems));
        QCOMPARE(reopened.layerCount(), 0);
        QCOMPARE(problems.size(), 2); // the raster, then its mask layer
        QVERIFY(problems.at(0).contains(QStringLiteral("copy.tif")));
        QCOMPARE(std::filesystem::file_size(path.toStdString()), before);
    }

    void saveAsNeverLeavesAHalfWrittenFile()
    {
        QTemporaryDir folder;
        Session session(std::filesystem::path(TEST_DATA_DIR) / "real/RGB.byte.tif");
        ProjectController controller(session.layers);
        const QString unwritable = folder.filePath(QStringLiteral("missing-folder/x.refermap.gpkg"));
        QVERIFY(!controller.saveAs(unwritable, {}));
        QVERIFY(!controller.hasProject());
        QVERIFY(!QFileInfo::exists(unwritable));
        QCOMPARE(session.raster->projectId(), qint64(0));
    }
};

QTEST_MAIN(ProjectControllerTest)
#include "project_controller_test.moc"
