#include "ui/main_window.h"
#include "ui/translation_loader.h"

#include <QApplication>
#include <QDockWidget>
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
        QTest::addColumn<QString>("layersPanel");
        QTest::newRow("English") << "en_GB" << "&File" << "Layers";
        QTest::newRow("German") << "de_DE" << "&Datei" << "Layer";
        QTest::newRow("Simplified Chinese") << "zh_CN" << QString::fromUtf8("文件(&F)") << QString::fromUtf8("图层");
    }

    void translatesTheMenus()
    {
        QFETCH(QString, locale);
        QFETCH(QString, fileMenu);
        QFETCH(QString, layersPanel);
        QVERIFY(refermap::ui::installTranslations(*QCoreApplication::instance(), QLocale(locale)));
        refermap::ui::MainWindow window;
        QCOMPARE(window.menuBar()->actions().first()->text(), fileMenu);
        auto* dock = window.findChild<QDockWidget*>(QStringLiteral("layersDock"));
        QVERIFY(dock);
        QCOMPARE(dock->windowTitle(), layersPanel);
    }

    // The settings' language switch: an open window follows without a restart.
    void anOpenWindowFollowsALanguageSwitch()
    {
        refermap::ui::MainWindow window;
        window.show();
        QCOMPARE(window.menuBar()->actions().first()->text(), QStringLiteral("&File"));
        QVERIFY(refermap::ui::installTranslations(*QCoreApplication::instance(), QLocale(QStringLiteral("de_DE"))));
        QTRY_COMPARE(window.menuBar()->actions().first()->text(), QStringLiteral("&Datei"));
        QCOMPARE(window.menuBar()->actions().at(3)->text(), QStringLiteral("&Werkzeuge"));
        QVERIFY(refermap::ui::installTranslations(*QCoreApplication::instance(), QLocale(QStringLiteral("zh_CN"))));
        QTRY_COMPARE(window.menuBar()->actions().first()->text(), QString::fromUtf8("文件(&F)"));
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
