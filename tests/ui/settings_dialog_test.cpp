#include "ui/app_settings.h"
#include "ui/settings_dialog.h"

#include <QApplication>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using refermap::ui::AppSettings;
using refermap::ui::SettingsDialog;

class SettingsDialogTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("ReferMapTest"));
        QCoreApplication::setApplicationName(QStringLiteral("settings_dialog_test"));
    }

    void defaultsUseTheBundledDemoModel()
    {
        const QString model = refermap::ui::findBundledDemoModel();
        QVERIFY2(QFileInfo(model).isFile(), qPrintable(model));
        QVERIFY(model.endsWith(QStringLiteral("refermap-demo-tiny.refermap")));
        const AppSettings defaults = AppSettings::defaults();
        QCOMPARE(defaults.modelFile, model);
        QCOMPARE(defaults.device, QStringLiteral("auto"));
        QVERIFY2(defaults.problems().isEmpty(), qPrintable(defaults.problems().join('\n')));
    }

    void roundTripsThroughQSettings()
    {
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        AppSettings changed = AppSettings::defaults();
        changed.device = QStringLiteral("cuda:1");
        changed.tileSize = 512;
        changed.overlap = 64;
        changed.threshold = 0.35;
        changed.bands = {4, 3, 2};
        changed.stretchLowPercent = 1.5;
        changed.stretchHighPercent = 99.5;
        changed.language = QStringLiteral("zh_CN");
        {
            QSettings file(folder.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat);
            changed.save(file);
        }
        QSettings file(folder.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat);
        const AppSettings loaded = AppSettings::load(file);
        QVERIFY(loaded == changed);
        QVERIFY(loaded != AppSettings::defaults());

        QSettings empty(folder.filePath(QStringLiteral("empty.ini")), QSettings::IniFormat);
        QVERIFY(AppSettings::load(empty) == AppSettings::defaults());
    }

    void validationNamesEachProblem()
    {
        AppSettings bad = AppSettings::defaults();
        bad.modelFile = QStringLiteral("/nowhere/model.refermap");
        bad.device = QStringLiteral("gpu7");
        bad.threshold = 1.5;
        bad.bands = {0};
        bad.stretchLowPercent = 90;
        bad.stretchHighPercent = 10;
        bad.language = QStringLiteral("fr");
        const QString problems = bad.problems().join('\n');
        QCOMPARE(bad.problems().size(), 6);
        QVERIFY(problems.contains(QStringLiteral("/nowhere/model.refermap")));
        QVERIFY(problems.contains(QStringLiteral("gpu7")));
        QVERIFY(problems.contains(QStringLiteral("1.5")));
        QVERIFY(problems.contains(QStringLiteral("'fr'")));
    }

    void dialogRefusesAMissingModelAndRestoresDefaults()
    {
        AppSettings current = AppSettings::defaults();
        current.threshold = 0.7;
        current.modelFile = QStringLiteral("/nowhere/model.refermap");
        SettingsDialog dialog(current);
        QCOMPARE(dialog.settings().threshold, 0.7);
        dialog.accept();
        QCOMPARE(dialog.result(), int(QDialog::Rejected)); // still open
        QVERIFY2(
            dialog.problemText().contains(QStringLiteral("/nowhere/model.refermap")), qPrintable(dialog.problemText()));

        auto* buttons = dialog.findChild<QDialogButtonBox*>(QStringLiteral("buttons"));
        QVERIFY(buttons);
        buttons->button(QDialogButtonBox::RestoreDefaults)->click();
        QVERIFY(dialog.settings() == AppSettings::defaults());
        QVERIFY(dialog.problemText().isEmpty());
        dialog.accept();
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
    }

    void dialogReadsEditedFields()
    {
        SettingsDialog dialog(AppSettings::defaults());
        auto* bands = dialog.findChild<QLineEdit*>(QStringLiteral("bands"));
        QVERIFY(bands);
        bands->setText(QStringLiteral("3, 2,1"));
        QCOMPARE(dialog.settings().bands, (QList<int> {3, 2, 1}));
        bands->setText(QStringLiteral("red"));
        dialog.accept();
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
        QVERIFY(dialog.problemText().contains(QStringLiteral("Bands")));
    }
};

QTEST_MAIN(SettingsDialogTest)
#include "settings_dialog_test.moc"
