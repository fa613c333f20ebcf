#include "ui/main_window.h"
#include "ui/translation_loader.h"

#include <QApplication>
#include <QLabel>
#include <QMenuBar>
#include <QStandardPaths>
#include <QTest>

class TranslationLoaderTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void cleanup() { refermap::ui::installTranslations(*QCoreApplication::instance(), QLocale(QLocale::English)); }

    void translatesTheMenus_data()
    {
        QTest::addColumn<QString>("locale");
        QTest::addColumn<QString>("fileMenu");
        QTest::addColumn<QString>("placeholder");
        QTest::newRow("English") << "en_GB" << "&File" << "Open a raster to begin.";
        QTest::newRow("German") << "de_DE" << "&Datei" << QString::fromUtf8("Öffnen Sie ein Rasterbild, um zu beginnen.");
        QTest::newRow("Simplified Chinese") << "zh_CN" << QString::fromUtf8("文件(&F)") << QString::fromUtf8("打开栅格影像以开始。");
    }

    void translatesTheMenus()
    {
        QFETCH(QString, locale);
        QFETCH(QString, fileMenu);
        QFETCH(QString, placeholder);
        QVERIFY(refermap::ui::installTranslations(*QCoreApplication::instance(), QLocale(locale)));
        refermap::ui::MainWindow window;
        QCOMPARE(window.menuBar()->actions().first()->text(), fileMenu);
        auto* label = window.findChild<QLabel*>(QStringLiteral("placeholder"));
        QVERIFY(label);
        QCOMPARE(label->text(), placeholder);
    }

    void unknownLocaleFallsBackToEnglish()
    {
        QVERIFY(refermap::ui::installTranslations(*QCoreApplication::instance(), QLocale(QLocale::German)));
        QVERIFY(!refermap::ui::installTranslations(*QCoreApplication::instance(), QLocale(QLocale::Swahili)));
        refermap::ui::MainWindow window;
        QCOMPARE(window.menuBar()->actions().first()->text(), QStringLiteral("&File"));
    }
};

QTEST_MAIN(TranslationLoaderTest)
#include "translation_loader_test.moc"
