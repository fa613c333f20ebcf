#include "ui/task_manager.h"
#include "ui/task_row.h"
#include "ui/tasks_panel.h"

#include <QApplication>
#include <QPushButton>
#include <QTest>
#include <QThread>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using refermap::Error;
using refermap::ErrorCode;
using refermap::ProgressFeedback;
using refermap::Result;
using refermap::ui::TaskId;
using refermap::ui::TaskManager;

namespace {

// Counts to `steps`, reporting each step, checking cancellation between steps like a tiled job.
TaskManager::Job countingJob(int steps, std::atomic<int>& counted, std::chrono::milliseconds pause = 1ms)
{
    return [steps, &counted, pause](ProgressFeedback& feedback) -> Result<void> {
        for (int step = 1; step <= steps; ++step) {
            if (feedback.isCancelled())
                return Error(ErrorCode::Cancelled, "counting cancelled");
            std::this_thread::sleep_for(pause);
            counted.store(step);
            feedback.setProgress(static_cast<double>(step) / steps, "counting");
        }
        return {};
    };
}

struct Recorder {
    std::vector<double> fractions;
    std::vector<TaskId> started;
    std::vector<std::pair<TaskId, bool>> finished;
    std::vector<QString> errors;
    std::vector<TaskId> cancelled;
    std::vector<Qt::HANDLE> threads; // thread of every signal delivery

    explicit Recorder(TaskManager& manager)
    {
        QObject::connect(&manager, &TaskManager::started, [this](TaskId id) {
            started.push_back(id);
            threads.push_back(QThread::currentThreadId());
        });
        QObject::connect(&manager, &TaskManager::progress, [this](TaskId, double fraction, const QString&, int) {
            fractions.push_back(fraction);
            threads.push_back(QThread::currentThreadId());
        });
        QObject::connect(&manager, &TaskManager::finished, [this](TaskId id, bool ok, const QString& error) {
            finished.emplace_back(id, ok);
            errors.push_back(error);
            threads.push_back(QThread::currentThreadId());
        });
        QObject::connect(&manager, &TaskManager::cancelled, [this](TaskId id) {
            cancelled.push_back(id);
            threads.push_back(QThread::currentThreadId());
        });
    }
};

} // namespace

class TaskManagerTest : public QObject {
    Q_OBJECT

private slots:
    void countingTaskReportsMonotonicProgressAndFinishes()
    {
        TaskManager manager;
        Recorder recorder(manager);
        std::atomic<int> counted {0};
        const TaskId id = manager.start(QStringLiteral("count"), countingJob(200, counted));
        QVERIFY(manager.isActive(id));
        QTRY_COMPARE_WITH_TIMEOUT(recorder.finished.size(), std::size_t {1}, 30000);
        QCOMPARE(recorder.finished.front().first, id);
        QVERIFY(recorder.finished.front().second);
        QCOMPARE(counted.load(), 200);
        QCOMPARE(recorder.started, std::vector<TaskId> {id});
        QVERIFY(recorder.cancelled.empty());
        QVERIFY(!recorder.fractions.empty());
        for (std::size_t i = 1; i < recorder.fractions.size(); ++i)
            QVERIFY(recorder.fractions[i] >= recorder.fractions[i - 1]);
        QCOMPARE(recorder.fractions.back(), 1.0);
        // Every report arrives in the GUI thread.
        for (Qt::HANDLE thread : recorder.threads)
            QCOMPARE(thread, QThread::currentThreadId());
        QVERIFY(!manager.isActive(id));
        QCOMPARE(manager.activeCount(), 0);
    }

    void progressIsThrottledToTwentyPerSecond()
    {
        TaskManager manager;
        Recorder recorder(manager);
        std::chrono::steady_clock::duration jobTime {};
        manager.start(QStringLiteral("many small steps"), [&jobTime](ProgressFeedback& feedback) -> Result<void> {
            const auto begin = std::chrono::steady_clock::now();
            for (int step = 1; step <= 20000; ++step) {
                feedback.setProgress(step / 20000.0);
                if (step % 100 == 0)
                    std::this_thread::sleep_for(1ms);
            }
            jobTime = std::chrono::steady_clock::now() - begin;
            return {};
        });
        QTRY_COMPARE_WITH_TIMEOUT(recorder.finished.size(), std::size_t {1}, 30000);
        // A bound relative to the job's own duration, so a slow machine cannot fail it: one report per
        // 50 ms, plus the first and the final 100 %.
        const auto allowed = std::chrono::duration_cast<std::chrono::milliseconds>(jobTime).count() / 50 + 2;
        QVERIFY2(static_cast<long long>(recorder.fractions.size()) <= allowed,
            qPrintable(QStringLiteral("%1 reports, %2 allowed").arg(recorder.fractions.size()).arg(allowed)));
        QCOMPARE(recorder.fractions.back(), 1.0);
    }

    void cancellingMidWayStopsTheJob()
    {
        TaskManager manager;
        Recorder recorder(manager);
        std::atomic<int> counted {0};
        const int steps = 100000; // ~100 s if never cancelled
        const TaskId id = manager.start(QStringLiteral("long count"), countingJob(steps, counted));
        QTRY_VERIFY_WITH_TIMEOUT(!recorder.fractions.empty(), 30000);
        manager.cancel(id);
        QTRY_COMPARE_WITH_TIMEOUT(recorder.cancelled.size(), std::size_t {1}, 30000);
        QCOMPARE(recorder.cancelled.front(), id);
        QVERIFY(recorder.finished.empty());
        const int stoppedAt = counted.load();
        QVERIFY(stoppedAt < steps);
        QTest::qWait(50);
        QCOMPARE(counted.load(), stoppedAt); // the job really stopped
    }

    void cancelAllAndWaitForAllEndRunningAndQueuedJobs()
    {
        TaskManager manager(nullptr, 1); // one at a time: the second job is still queued
        Recorder recorder(manager);
        std::atomic<int> first {0};
        std::atomic<int> second {0};
        manager.start(QStringLiteral("running"), countingJob(100000, first));
        manager.start(QStringLiteral("queued"), countingJob(100000, second));
        QTRY_VERIFY_WITH_TIMEOUT(first.load() > 0, 30000);
        manager.cancelAll();
        // Without cancellation the jobs would run for minutes, far past this limit.
        QVERIFY(manager.waitForAll(20s));
        QCOMPARE(recorder.cancelled.size(), std::size_t {2}); // delivered before waitForAll returned
        QCOMPARE(second.load(), 0); // the queued job never ran
        QCOMPARE(manager.activeCount(), 0);
    }

    void destroyingTheManagerCancelsItsJobs()
    {
        std::atomic<int> counted {0};
        std::atomic<bool> sawCancel {false};
        {
            TaskManager manager;
            manager.start(QStringLiteral("endless"), [&](ProgressFeedback& feedback) -> Result<void> {
                for (int step = 0; step < 100000; ++step) {
                    if (feedback.isCancelled()) {
                        sawCancel = true;
                        return Error(ErrorCode::Cancelled, "cancelled");
                    }
                    counted = step + 1;
                    std::this_thread::sleep_for(1ms);
                }
                return {};
            });
            QTRY_VERIFY_WITH_TIMEOUT(counted.load() > 0, 30000);
        } // the destructor cancels and joins
        QVERIFY(sawCancel.load());
    }

    void resultTravelsBackByValueInTheGuiThread()
    {
        TaskManager manager;
        Recorder recorder(manager);
        std::vector<int> received;
        Qt::HANDLE receivedIn = nullptr;
        manager.start<std::vector<int>>(
            QStringLiteral("squares"),
            [](ProgressFeedback& feedback) -> Result<std::vector<int>> {
                std::vector<int> squares;
                for (int i = 1; i <= 5; ++i) {
                    squares.push_back(i * i);
                    feedback.setProgress(i / 5.0);
                }
                return squares;
            },
            [&](std::vector<int> value) {
                received = std::move(value);
                receivedIn = QThread::currentThreadId();
            });
        QTRY_COMPARE_WITH_TIMEOUT(recorder.finished.size(), std::size_t {1}, 30000);
        QCOMPARE(received, (std::vector<int> {1, 4, 9, 16, 25}));
        QCOMPARE(receivedIn, QThread::currentThreadId());
    }

    void failuresCarryTheErrorText()
    {
        TaskManager manager;
        Recorder recorder(manager);
        bool resultDelivered = false;
        manager.start<int>(
            QStringLiteral("broken"),
            [](ProgressFeedback&) -> Result<int> {
                return Error(ErrorCode::InvalidData, "cannot read the tile").withFile("scene.tif").withTile(3, 4);
            },
            [&](int) { resultDelivered = true; });
        manager.start(QStringLiteral("throws"),
            [](ProgressFeedback&) -> Result<void> { throw std::runtime_error("library exploded"); });
        QTRY_COMPARE_WITH_TIMEOUT(recorder.finished.size(), std::size_t {2}, 30000);
        QVERIFY(!recorder.finished[0].second);
        QVERIFY(!recorder.finished[1].second);
        const QString errors = recorder.errors[0] + recorder.errors[1];
        QVERIFY2(
            errors.contains(QStringLiteral("cannot read the tile")) && errors.contains(QStringLiteral("scene.tif")),
            qPrintable(errors));
        QVERIFY2(errors.contains(QStringLiteral("library exploded")), qPrintable(errors));
        QVERIFY(!resultDelivered);
    }

    void panelShowsRowsCancelsAndClears()
    {
        TaskManager manager;
        refermap::ui::TasksPanel panel(manager);
        panel.show();
        std::atomic<int> counted {0};
        std::atomic<int> other {0};
        const TaskId failing = manager.start(QStringLiteral("failing"), [](ProgressFeedback&) -> Result<void> {
            return Error(ErrorCode::NotFound, "the model is missing").withFile("tiny.refermap");
        });
        const TaskId endless = manager.start(QStringLiteral("endless"), countingJob(100000, counted));
        QCOMPARE(panel.rowCount(), 2);
        refermap::ui::TaskRow* failingRow = panel.row(failing);
        refermap::ui::TaskRow* endlessRow = panel.row(endless);
        QVERIFY(failingRow && endlessRow);
        QTRY_COMPARE_WITH_TIMEOUT(failingRow->state(), refermap::ui::TaskRow::State::Failed, 30000);
        QVERIFY2(failingRow->statusText().contains(QStringLiteral("the model is missing")),
            qPrintable(failingRow->statusText()));
        QVERIFY(failingRow->toolTip().contains(QStringLiteral("tiny.refermap")));
        QTRY_VERIFY_WITH_TIMEOUT(endlessRow->progressPercent() > 0 || counted.load() > 0, 30000);
        auto* cancel = endlessRow->findChild<QPushButton*>(QStringLiteral("cancel"));
        QVERIFY(cancel && cancel->isVisible());
        cancel->click();
        QTRY_COMPARE_WITH_TIMEOUT(endlessRow->state(), refermap::ui::TaskRow::State::Cancelled, 30000);
        QVERIFY(cancel->isHidden());
        manager.start(QStringLiteral("quick"), countingJob(3, other));
        QCOMPARE(panel.rowCount(), 3);
        QVERIFY(manager.waitForAll(30s));
        panel.clearFinished();
        QCOMPARE(panel.rowCount(), 0);
        QVERIFY(!panel.row(failing));
    }

    void etaTextIsRounded()
    {
        QCOMPARE(refermap::ui::etaText(-1), QString());
        QCOMPARE(refermap::ui::etaText(3), QStringLiteral("less than 5 s left"));
        QCOMPARE(refermap::ui::etaText(38), QStringLiteral("about 40 s left"));
        QCOMPARE(refermap::ui::etaText(125), QStringLiteral("about 2 min left"));
        QCOMPARE(refermap::ui::etaText(3 * 3600 + 100), QStringLiteral("about 3 h left"));
    }
};

QTEST_MAIN(TaskManagerTest)
#include "task_manager_test.moc"
