#include "ui/main_window.h"

#include "ui/layer_model.h"
#include "ui/map_canvas.h"
#include "ui/project_controller.h"
#include "ui/query_bar.h"
#include "ui/query_controller.h"
#include "ui/task_manager.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QLabel>
#include <QMenuBar>
#include <QPointer>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <filesystem>

using namespace refermap::ui;

namespace {

const QString realRaster = QStringLiteral(TEST_DATA_DIR "/real/RGB.byte.tif");

std::uint64_t maskHash(refermap::geo::EditableMask& mask)
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

int filesUnder(const QString& folder)
{
    if (!std::filesystem::exists(folder.toStdString()))
        return 0;
    int count = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(folder.toStdString()))
        count += entry.is_regular_file() ? 1 : 0;
    return count;
}

// A window whose queries use the bundled demo model on the CPU with small tiles, writing under `root`.
void prepare(MainWindow& window, const QString& root, int tile = 256)
{
    AppSettings settings = AppSettings::defaults();
    settings.device = QStringLiteral("cpu");
    settings.tileSize = tile;
    window.setSettings(settings, false);
    window.queries().setOutputRoot(root);
}

MaskLayer* runToCompletion(MainWindow& window, const QString& text)
{
    QSignalSpy finished(&window.queries(), &QueryController::queryFinished);
    if (!window.runQuery(text))
        return nullptr;
    if (!finished.wait(300000) && finished.isEmpty())
        return nullptr;
    return finished.at(0).at(0).value<MaskLayer*>();
}

} // namespace

class MainWindowTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QApplication::setApplicationName(QStringLiteral("ReferMap"));
    }

    void showsTheMapThePanelsAndTheStatusBar()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(window.windowTitle(), QStringLiteral("ReferMap"));
        QCOMPARE(window.menuBar()->actions().size(), 5);
        QVERIFY(window.findChild<MapCanvas*>(QStringLiteral("mapCanvas")));
        for (const char* dock : {"layersDock", "tasksDock", "logDock"})
            QVERIFY2(window.findChild<QDockWidget*>(QString::fromLatin1(dock))->isVisible(), dock);
        QVERIFY(window.findChild<QueryBar*>(QStringLiteral("queryBar"))->isVisible());
        QVERIFY(window.findChild<QLabel*>(QStringLiteral("deviceLabel"))->text().contains(QStringLiteral("cpu")));
        QCOMPARE(window.statusBar()->currentMessage(), QStringLiteral("Ready"));
    }

    void aQueryOverARealRasterBecomesAMaskLayer()
    {
        QTemporaryDir folder;
        MainWindow window;
        prepare(window, folder.path());
        window.show();
        QVERIFY(window.openPath(realRaster));
        QCOMPARE(window.layers().layerCount(), 1);
        MaskLayer* layer = runToCompletion(window, QStringLiteral("the white building"));
        QVERIFY(layer);
        QCOMPARE(window.layers().layerCount(), 2);
        QCOMPARE(window.layers().layerAt(0), static_cast<MapLayer*>(layer));
        QCOMPARE(layer->name(), QStringLiteral("the white building"));
        QCOMPARE(window.canvas().activeMaskLayer(), layer);
        QVERIFY(!window.queries().isRunning());
    }

    void theDemoQueryIsDrawnOverTheDemoScene()
    {
        QTemporaryDir folder;
        MainWindow window;
        prepare(window, folder.path(), 384);
        window.resize(1100, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.openPath(QStringLiteral(TEST_SOURCE_DIR "/resources/demo/harbour-scene.tif")));
        MaskLayer* layer = runToCompletion(window, QStringLiteral("the blue storage tank"));
        QVERIFY(layer);
        layer->setColor(QColor(255, 0, 255));
        layer->setOpacity(1.0);
        // Magenta appears where the mask is (the scene has none of its own).
        auto magentaPixels = [&window] {
            const QImage shot = window.canvas().grab().toImage();
            int count = 0;
            for (int y = 0; y < shot.height(); ++y)
                for (int x = 0; x < shot.width(); ++x) {
                    const QColor c = shot.pixelColor(x, y);
                    count += (c.red() > 150 && c.blue() > 150 && c.green() < 110) ? 1 : 0;
                }
            return count;
        };
        layer->setVisible(false);
        QTest::qWait(200);
        const int scene = magentaPixels();
        layer->setVisible(true);
        QTRY_VERIFY_WITH_TIMEOUT(magentaPixels() > scene + 50, 10000);
        layer->setVisible(false);
        QTRY_COMPARE(magentaPixels(), scene);

        // The heat map draws the query's probabilities instead: the ramp's strong red where the
        // model is sure (the tank), none of it while the layer is hidden.
        auto heatRedPixels = [&window] {
            const QImage shot = window.canvas().grab().toImage();
            int count = 0;
            for (int y = 0; y < shot.height(); ++y)
                for (int x = 0; x < shot.width(); ++x) {
                    const QColor c = shot.pixelColor(x, y);
                    count += (c.red() > 200 && c.green() < 60 && c.blue() < 50) ? 1 : 0;
                }
            return count;
        };
        const int sceneRed = heatRedPixels();
        auto* heatSwitch = window.findChild<QCheckBox*>(QStringLiteral("heatMapSwitch"));
        QVERIFY(heatSwitch && heatSwitch->isEnabled());
        layer->setVisible(true);
        heatSwitch->setChecked(true);
        QVERIFY(layer->showsHeatMap());
        QTRY_VERIFY_WITH_TIMEOUT(heatRedPixels() > sceneRed + 20, 10000);
    }

    void aCancelledQueryLeavesNothingAndTheUiStaysResponsive()
    {
        QTemporaryDir folder;
        MainWindow window;
        prepare(window, folder.path(), 96);
        window.show();
        QVERIFY(window.openPath(realRaster));
        QSignalSpy progress(&window.tasks(), &TaskManager::progress);
        QSignalSpy finished(&window.queries(), &QueryController::queryFinished);
        QVERIFY(window.runQuery(QStringLiteral("the red roof")));
        int ticks = 0;
        QTimer ticker;
        connect(&ticker, &QTimer::timeout, [&ticks] { ++ticks; });
        ticker.start(10);
        QTRY_VERIFY_WITH_TIMEOUT(progress.count() >= 2, 120000);
        emit window.queryBar().cancelRequested(); // what the bar's Cancel button sends
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 120000);
        QVERIFY(ticks > 5); // the event loop kept running while the query ran
        QVERIFY(finished.at(0).at(0).value<MaskLayer*>() == nullptr);
        QCOMPARE(window.layers().layerCount(), 1);
        QTRY_COMPARE(filesUnder(folder.path()), 0);
    }

    void brushUndoRedoChangeTheMaskExactlyBackAndForth()
    {
        QTemporaryDir folder;
        MainWindow window;
        prepare(window, folder.path());
        window.resize(1000, 700);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.openPath(realRaster));
        MaskLayer* layer = runToCompletion(window, QStringLiteral("the white building"));
        QVERIFY(layer);
        const std::uint64_t before = maskHash(layer->mask());
        window.findChild<QAction*>(QStringLiteral("actionToolBrush"))->trigger();
        MapCanvas& canvas = window.canvas();
        const QPoint start = canvas.rect().center() - QPoint(40, 0);
        QTest::mousePress(&canvas, Qt::LeftButton, Qt::NoModifier, start);
        for (int step = 1; step <= 8; ++step) {
            QMouseEvent move(QEvent::MouseMove, QPointF(start + QPoint(step * 10, step * 3)),
                             canvas.mapToGlobal(QPointF(start + QPoint(step * 10, step * 3))), Qt::NoButton,
                             Qt::LeftButton, Qt::NoModifier);
            QApplication::sendEvent(&canvas, &move);
        }
        QTest::mouseRelease(&canvas, Qt::LeftButton, Qt::NoModifier, start + QPoint(80, 24));
        const std::uint64_t painted = maskHash(layer->mask());
        QVERIFY(painted != before);
        QVERIFY(layer->isEdited());
        auto* undo = window.findChild<QAction*>(QStringLiteral("actionUndo"));
        auto* redo = window.findChild<QAction*>(QStringLiteral("actionRedo"));
        QVERIFY(undo->isEnabled());
        undo->trigger();
        QCOMPARE(maskHash(layer->mask()), before);
        QVERIFY(!layer->isEdited());
        redo->trigger();
        QCOMPARE(maskHash(layer->mask()), painted);
        QCOMPARE(undo->shortcut(), QKeySequence(QKeySequence::Undo));
        QCOMPARE(redo->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z));
    }

    void saveCloseAndReopenAProject()
    {
        QTemporaryDir folder;
        const QString project = folder.filePath(QStringLiteral("session.refermap.gpkg"));
        std::uint64_t edited = 0;
        {
            MainWindow window;
            prepare(window, folder.filePath(QStringLiteral("cache")));
            window.show();
            QVERIFY(window.openPath(realRaster));
            MaskLayer* layer = runToCompletion(window, QStringLiteral("the white building"));
            QVERIFY(layer);
            auto edit = layer->mask().paintStroke({{300.0, 300.0}, {360.0, 330.0}}, 8.0, true);
            QVERIFY(edit);
            layer->notifyPixelsChanged(QRect(290, 290, 80, 50));
            layer->setName(QStringLiteral("Buildings"));
            edited = maskHash(layer->mask());
            QVERIFY(window.saveProjectAs(project));
            QVERIFY(window.windowTitle().startsWith(QStringLiteral("session.refermap.gpkg")));
            window.close();
        }
        MainWindow reopened;
        reopened.show();
        QVERIFY(reopened.openPath(project));
        QCOMPARE(reopened.layers().layerCount(), 2);
        auto* layer = qobject_cast<MaskLayer*>(reopened.layers().layerAt(0));
        QVERIFY(layer);
        QCOMPARE(layer->name(), QStringLiteral("Buildings"));
        QCOMPARE(layer->queryText(), QStringLiteral("the white building"));
        QVERIFY(layer->isEdited());
        QCOMPARE(maskHash(layer->mask()), edited);
    }

    void closingWhileAQueryRunsNeitherCrashesNorHangs()
    {
        QTemporaryDir folder;
        QPointer<MainWindow> window = new MainWindow;
        window->setAttribute(Qt::WA_DeleteOnClose);
        prepare(*window, folder.path(), 96);
        window->show();
        QVERIFY(window->openPath(realRaster));
        QSignalSpy progress(&window->tasks(), &TaskManager::progress);
        QVERIFY(window->runQuery(QStringLiteral("the red roof")));
        QTRY_VERIFY_WITH_TIMEOUT(progress.count() >= 2, 120000);
        QElapsedTimer timer;
        timer.start();
        window->close();
        QTRY_VERIFY_WITH_TIMEOUT(window.isNull(), 30000);
        QVERIFY(timer.elapsed() < 30000);
    }

    void quitActionClosesTheWindowCleanly()
    {
        QPointer<MainWindow> window = new MainWindow;
        window->setAttribute(Qt::WA_DeleteOnClose);
        window->show();
        QVERIFY(QTest::qWaitForWindowExposed(window));
        auto* quit = window->findChild<QAction*>(QStringLiteral("actionQuit"));
        QVERIFY(quit);
        QCOMPARE(quit->shortcut(), QKeySequence(QKeySequence::Quit));
        quit->trigger();
        QTRY_VERIFY(window.isNull()); // closed and deleted, no crash on teardown
    }
};

QTEST_MAIN(MainWindowTest)
#include "main_window_test.moc"
