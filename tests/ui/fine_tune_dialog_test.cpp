#include "ui/fine_tune_dialog.h"

#include "ui/layer_model.h"
#include "ui/main_window.h"
#include "ui/map_layer.h"
#include "ui/project_controller.h"
#include "ui/query_controller.h"
#include "ui/task_manager.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QFile>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <filesystem>

using namespace refermap;
using namespace refermap::ui;

namespace {

// A real orthophoto (NEON, 10 cm) and the tree crowns someone else outlined on it: the crowns are
// the user's "corrections" of the query "the trees".
const QString orthophoto = QStringLiteral(TEST_DATA_DIR "/real/OSBS_029.tif");
const QString crowns = QStringLiteral(TEST_DATA_DIR "/real/OSBS_029.csv");

// The window's queries and fine-tunes run on the CPU with the bundled demo model.
void prepare(MainWindow& window, const QString& root)
{
    AppSettings settings = AppSettings::defaults();
    settings.device = QStringLiteral("cpu");
    settings.tileSize = 256;
    window.setSettings(settings, false);
    window.queries().setOutputRoot(root);
    window.project().setAutosaveDelay(0); // saves happen when the test (or the dialog) asks
}

// A mask layer of the query "the trees" over the raster, corrected by painting the first `count`
// crowns of the CSV as discs (what the brush does).
MaskLayer* correctedTrees(MainWindow& window, RasterLayer* raster, int first, int count)
{
    MaskLayer* layer = nullptr;
    for (MaskLayer* existing : window.layers().maskLayers())
        layer = existing;
    if (!layer) { // the query whose mask the user corrects (the engine learns from query layers)
        QSignalSpy finished(&window.queries(), &QueryController::queryFinished);
        if (!window.queries().run(raster, QStringLiteral("the trees"), window.settings()))
            return nullptr;
        if (!finished.wait(120000) && finished.isEmpty())
            return nullptr;
        layer = finished.at(0).at(0).value<MaskLayer*>();
        if (!layer)
            return nullptr;
    }
    QFile file(crowns);
    if (!file.open(QIODevice::ReadOnly))
        return nullptr;
    file.readLine(); // header
    for (int row = 0; !file.atEnd(); ++row) {
        const QList<QByteArray> fields = file.readLine().trimmed().split(',');
        if (row < first || fields.size() < 5)
            continue;
        if (row >= first + count)
            break;
        const double x0 = fields[1].toDouble(), y0 = fields[2].toDouble();
        const double x1 = fields[3].toDouble(), y1 = fields[4].toDouble();
        auto edit = layer->mask().paintStroke({{(x0 + x1) / 2, (y0 + y1) / 2}}, std::min(x1 - x0, y1 - y0) / 2, true);
        if (!edit)
            return nullptr;
        layer->notifyPixelsChanged(QRect(int(x0) - 1, int(y0) - 1, int(x1 - x0) + 3, int(y1 - y0) + 3));
    }
    return layer->isEdited() ? layer : nullptr;
}

FineTuneDialog* openDialog(MainWindow& window)
{
    auto* action = window.findChild<QAction*>(QStringLiteral("actionFineTune"));
    if (!action)
        return nullptr;
    action->trigger();
    auto* dialog = window.findChild<FineTuneDialog*>();
    return dialog && dialog->isVisible() ? dialog : nullptr;
}

bool exists(const QString& path)
{
    return std::filesystem::exists(path.toStdString());
}

} // namespace

class FineTuneDialogTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QApplication::setApplicationName(QStringLiteral("ReferMap"));
    }

    void refusesWithoutAProjectFileOrWithTheBaseModelAsOutput()
    {
        QTemporaryDir folder;
        MainWindow window;
        prepare(window, folder.path());
        window.show();
        QVERIFY(window.openPath(orthophoto));
        auto* raster = window.layers().rasterLayers().front();

        FineTuneDialog* dialog = openDialog(window);
        QVERIFY(dialog);
        QCOMPARE(dialog->findChild<QListWidget*>(QStringLiteral("layers"))->count(), 0); // nothing edited yet
        QVERIFY(!dialog->message().isEmpty());
        QVERIFY(!dialog->findChild<QPushButton*>(QStringLiteral("startButton"))->isEnabled());

        QVERIFY(correctedTrees(window, raster, 0, 4));
        dialog->refresh();
        QCOMPARE(dialog->findChild<QListWidget*>(QStringLiteral("layers"))->count(), 1);
        QVERIFY(!dialog->start()); // no project file: the engine reads the corrections from one
        QVERIFY(dialog->message().contains(QStringLiteral("Save the project")));
        QVERIFY(!dialog->isRunning());

        QVERIFY(window.saveProjectAs(folder.filePath(QStringLiteral("forest.refermap.gpkg"))));
        dialog->refresh();
        auto* output = dialog->findChild<QLineEdit*>(QStringLiteral("output"));
        QCOMPARE(output->text(), folder.filePath(QStringLiteral("forest-finetuned-1.refermap")));
        QCOMPARE(dialog->findChild<QLineEdit*>(QStringLiteral("baseModel"))->text(), window.settings().modelFile);
        output->setText(window.settings().modelFile);
        QVERIFY(!dialog->start()); // never over the base model
        QVERIFY(dialog->message().contains(QStringLiteral("never overwritten")));
        QVERIFY(!dialog->isRunning());
        QCOMPARE(window.tasks().activeCount(), 0);
    }

    void cancelThenCompleteThenUseTheNewModel()
    {
        QTemporaryDir folder;
        MainWindow window;
        prepare(window, folder.filePath(QStringLiteral("cache")));
        window.show();
        QVERIFY(window.openPath(orthophoto));
        auto* raster = window.layers().rasterLayers().front();
        MaskLayer* layer = correctedTrees(window, raster, 0, 6);
        QVERIFY(layer);
        const QString project = folder.filePath(QStringLiteral("forest.refermap.gpkg"));
        QVERIFY(window.saveProjectAs(project));
        // More corrections after the save: Start must save them first.
        QVERIFY(correctedTrees(window, raster, 6, 6));
        QVERIFY(window.project().isDirty());

        FineTuneDialog* dialog = openDialog(window);
        QVERIFY(dialog);
        const QString base = window.settings().modelFile;
        const QString output = folder.filePath(QStringLiteral("forest-finetuned-1.refermap"));
        QCOMPARE(dialog->findChild<QLineEdit*>(QStringLiteral("output"))->text(), output);
        auto* startButton = dialog->findChild<QPushButton*>(QStringLiteral("startButton"));
        auto* startOver = dialog->findChild<QCheckBox*>(QStringLiteral("startOver"));
        QCOMPARE(startButton->text(), QStringLiteral("Start"));
        QVERIFY(startOver->isHidden());
        dialog->findChild<QSpinBox*>(QStringLiteral("batchSize"))->setValue(4);
        dialog->findChild<QSpinBox*>(QStringLiteral("epochs"))->setValue(100);
        dialog->findChild<QSpinBox*>(QStringLiteral("maxSteps"))->setValue(0);
        QCOMPARE(dialog->options().baseModel.string(), base.toStdString());
        QCOMPARE(dialog->options().layers.size(), std::size_t(1));

        // A long run, cancelled once the chart shows its first steps and a checkpoint was written
        // (at an epoch's end; cancelling keeps the last one).
        QSignalSpy cancelled(dialog, &FineTuneDialog::fineTuneCancelled);
        QSignalSpy finished(dialog, &FineTuneDialog::fineTuneFinished);
        QVERIFY(startButton->isEnabled());
        QTest::mouseClick(startButton, Qt::LeftButton);
        QVERIFY(dialog->isRunning());
        QVERIFY(!window.project().isDirty()); // the new corrections were saved before the engine read them
        QVERIFY(window.tasks().isActive(dialog->runningTask()));
        QVERIFY(!startButton->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT((dialog->lossPointCount() >= 1 && dialog->canResume()) || !finished.isEmpty(), 120000);
        QVERIFY2(finished.isEmpty(), qPrintable(dialog->message()));
        QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("cancelButton")), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(cancelled.count(), 1, 60000);
        QCOMPARE(finished.count(), 0);
        QVERIFY(!dialog->isRunning());
        QCOMPARE(window.tasks().activeCount(), 0);
        QVERIFY(!exists(output));                     // no model from a cancelled run
        QVERIFY(exists(dialog->runFolder()));         // its checkpoint stays
        QVERIFY(dialog->canResume());
        QCOMPARE(startButton->text(), QStringLiteral("Resume"));
        QVERIFY(!startOver->isHidden());

        // Start over with a short schedule and let it complete.
        startOver->setChecked(true);
        dialog->findChild<QSpinBox*>(QStringLiteral("maxSteps"))->setValue(4);
        QVERIFY(dialog->options().restart);
        QVERIFY(dialog->start());
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 120000);
        QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(finished.at(0).at(1).toString()));
        QVERIFY(exists(output));
        QVERIFY(dialog->lastReport().has_value());
        QCOMPARE(QString::fromStdString(dialog->lastReport()->output.string()), output);
        QVERIFY(dialog->lastReport()->iterations >= 1 && dialog->lastReport()->iterations <= 4);
        QVERIFY(!dialog->lastReport()->resumed);
        QVERIFY(dialog->lossPointCount() >= 1);
        QVERIFY(dialog->validationPointCount() >= 1);
        auto* results = dialog->findChild<QTableWidget*>(QStringLiteral("results"));
        for (int row = 0; row < 3; ++row)
            for (int column = 0; column < 2; ++column)
                QVERIFY(results->item(row, column) && results->item(row, column)->text().endsWith(QStringLiteral("%")));
        // The next run would get a file of its own.
        QCOMPARE(dialog->findChild<QLineEdit*>(QStringLiteral("output"))->text(),
                 folder.filePath(QStringLiteral("forest-finetuned-2.refermap")));
        QCOMPARE(window.settings().modelFile, base); // not switched before the user asks

        // One click: the new model becomes the active one and the layer's query runs again with it.
        QSignalSpy queried(&window.queries(), &QueryController::queryFinished);
        const int layersBefore = window.layers().layerCount();
        auto* use = dialog->findChild<QPushButton*>(QStringLiteral("useModelButton"));
        QVERIFY(use->isEnabled());
        QTest::mouseClick(use, Qt::LeftButton);
        QCOMPARE(window.settings().modelFile, output);
        QVERIFY(window.queries().isRunning());
        QTRY_COMPARE_WITH_TIMEOUT(queried.count(), 1, 120000);
        auto* rerun = queried.at(0).at(0).value<MaskLayer*>();
        QVERIFY2(rerun, qPrintable(queried.at(0).at(1).toString()));
        QCOMPARE(window.layers().layerCount(), layersBefore + 1);
        QCOMPARE(rerun->queryText(), QStringLiteral("the trees"));
        QCOMPARE(rerun->raster(), raster);
        QCOMPARE(rerun->settings().modelFile, output);
        QVERIFY(exists(base)); // the base model is untouched
    }
};

QTEST_MAIN(FineTuneDialogTest)
#include "fine_tune_dialog_test.moc"
