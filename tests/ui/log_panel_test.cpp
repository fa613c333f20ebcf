#include "ui/log_panel.h"
#include "ui/log_panel_sink.h"

#include <QApplication>
#include <QClipboard>
#include <QTest>

#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

class LogPanelTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        // A logger of this test's own as the default, so the console stays quiet and sinks are countable.
        auto logger = std::make_shared<spdlog::logger>("refermap", std::make_shared<spdlog::sinks::null_sink_mt>());
        logger->set_level(spdlog::level::trace);
        spdlog::set_default_logger(logger);
    }

    void deliversARecordLoggedFromAnotherThread()
    {
        refermap::ui::LogPanel panel;
        panel.installIntoDefaultLogger();
        std::thread worker([] { spdlog::warn("tile {} of {} could not be read", 7, 12); });
        worker.join();
        QTRY_COMPARE(panel.lineCount(), 1);
        QVERIFY2(panel.visibleText().contains(QStringLiteral("tile 7 of 12 could not be read")),
            qPrintable(panel.visibleText()));
        QVERIFY(panel.visibleText().contains(QStringLiteral("warning")));
    }

    void installingIsUndoneOnDestruction()
    {
        const std::size_t before = spdlog::default_logger()->sinks().size();
        std::weak_ptr<refermap::ui::LogPanelSink> sink;
        {
            refermap::ui::LogPanel panel;
            panel.installIntoDefaultLogger();
            panel.installIntoDefaultLogger(); // twice: still one sink
            sink = panel.sink();
            QCOMPARE(spdlog::default_logger()->sinks().size(), before + 1);
        }
        QCOMPARE(spdlog::default_logger()->sinks().size(), before);
        QVERIFY(sink.expired()); // nothing keeps the detached sink alive
        spdlog::info("logged after the panel is gone"); // must not reach a dead panel
        QCoreApplication::processEvents();
    }

    void keepsAtMostMaxLines()
    {
        refermap::ui::LogPanel panel(nullptr, 10);
        panel.installIntoDefaultLogger();
        std::thread worker([] {
            for (int i = 0; i < 100; ++i)
                spdlog::info("record {}", i);
        });
        worker.join();
        QTRY_VERIFY(panel.visibleText().contains(QStringLiteral("record 99")));
        QCOMPARE(panel.lineCount(), 10);
        const QStringList lines = panel.visibleText().split(QLatin1Char('\n'));
        QCOMPARE(lines.size(), 10);
        QVERIFY(lines.first().contains(QStringLiteral("record 90")));
        QVERIFY(!panel.visibleText().contains(QStringLiteral("record 89")));
    }

    void filtersByLevelCopiesAndClears()
    {
        refermap::ui::LogPanel panel;
        panel.appendRecord(spdlog::level::debug, QStringLiteral("debug detail"));
        panel.appendRecord(spdlog::level::info, QStringLiteral("opened scene.tif"));
        panel.appendRecord(spdlog::level::err, QStringLiteral("cannot write out.gpkg"));
        QCOMPARE(panel.visibleText().split(QLatin1Char('\n')).size(), 3);
        panel.setMinimumLevel(spdlog::level::warn);
        QCOMPARE(panel.visibleText(), QStringLiteral("cannot write out.gpkg"));
        QCOMPARE(panel.lineCount(), 3); // hidden, not dropped
        panel.copyToClipboard();
        QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("cannot write out.gpkg"));
        panel.setMinimumLevel(spdlog::level::trace);
        QVERIFY(panel.visibleText().contains(QStringLiteral("debug detail")));
        panel.clear();
        QCOMPARE(panel.lineCount(), 0);
        QVERIFY(panel.visibleText().isEmpty());
    }
};

QTEST_MAIN(LogPanelTest)
#include "log_panel_test.moc"
