#include "ui/main_window.h"

#include <QAction>
#include <QApplication>
#include <QLabel>
#include <QMenuBar>
#include <QPointer>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTest>

class MainWindowTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QApplication::setApplicationName(QStringLiteral("ReferMap"));
    }

    void showsAnEmptyWindowWithTheAppName()
    {
        refermap::ui::MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(window.windowTitle(), QStringLiteral("ReferMap"));
        auto* placeholder = window.findChild<QLabel*>(QStringLiteral("placeholder"));
        QVERIFY(placeholder);
        QVERIFY(placeholder->isVisible());
        QCOMPARE(window.menuBar()->actions().size(), 2);
        QCOMPARE(window.statusBar()->currentMessage(), QStringLiteral("Ready"));
    }

    void quitActionClosesTheWindowCleanly()
    {
        QPointer<refermap::ui::MainWindow> window = new refermap::ui::MainWindow;
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
