#pragma once

#include "common/progress_feedback.h"
#include "common/result.h"

#include <QObject>
#include <QString>
#include <QThreadPool>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>

namespace refermap::ui {

using TaskId = quint64;

// Runs long jobs (queries, exports, overview building) on worker threads so the GUI never blocks.
// A job is a function of a ProgressFeedback that reports progress and checks isCancelled() between
// tiles; it runs on a thread of this manager's pool, everything else happens in the GUI thread:
// the signals are delivered there (queued from the worker), and so are result callbacks.
//
// Every task emits submitted() from start(), started() when a worker picks it up, progress() at most
// every 50 ms (<= 20 per second, plus the final 100 %), and ends with exactly ONE of finished() or
// cancelled(): a job that returns ErrorCode::Cancelled (or is cancelled before it starts) is
// cancelled, any other error is finished(false, message), success is finished(true, {}).
// Exceptions escaping a job become errors (captureErrors). Create and use in the GUI thread only.
class TaskManager : public QObject {
    Q_OBJECT

public:
    using Job = std::function<Result<void>(ProgressFeedback&)>;

    // `maxConcurrent` jobs run at once (queries use every core already); the rest wait in a queue.
    explicit TaskManager(QObject* parent = nullptr, int maxConcurrent = 2);
    // Cancels every job and waits for the workers (jobs must honour cancellation), so no worker
    // outlives the manager; no signals are emitted from the destructor.
    ~TaskManager() override;

    // Queues `job` under `title` (shown in the tasks panel). `onSuccess`, when given, runs in the GUI
    // thread after a successful job, just before finished(true).
    TaskId start(const QString& title, Job job, std::function<void()> onSuccess = {});

    // A job with a result: `onResult` receives the value (moved, by value) in the GUI thread.
    template <typename T>
    TaskId start(const QString& title, std::function<Result<T>(ProgressFeedback&)> job, std::function<void(T)> onResult)
    {
        auto value = std::make_shared<std::optional<T>>();
        Job wrapped = [job = std::move(job), value](ProgressFeedback& feedback) -> Result<void> {
            Result<T> result = job(feedback);
            if (!result)
                return result.error();
            value->emplace(std::move(result).value());
            return {};
        };
        return start(title, std::move(wrapped), [value, onResult = std::move(onResult)] {
            if (onResult && value->has_value())
                onResult(std::move(**value));
        });
    }

    // Asks one job to stop (sets its ProgressFeedback's cancel flag); a queued job never starts.
    // Unknown or ended ids are ignored.
    void cancel(TaskId id);
    void cancelAll();
    // Waits for every queued and running job to end, at most `timeout`; then delivers the pending
    // finished()/cancelled() signals of the ended jobs before returning, so a closing window sees
    // them. True when nothing runs any more. For window close: cancelAll() then waitForAll().
    bool waitForAll(std::chrono::milliseconds timeout);

    // Jobs queued or running (not yet reported as ended).
    int activeCount() const { return static_cast<int>(active_.size()); }
    bool isActive(TaskId id) const { return active_.count(id) != 0; }
    QString title(TaskId id) const;

signals:
    void submitted(refermap::ui::TaskId id, const QString& title);
    void started(refermap::ui::TaskId id);
    // fraction 0..1 (never decreasing); etaSeconds < 0 while no estimate exists yet.
    void progress(refermap::ui::TaskId id, double fraction, const QString& message, int etaSeconds);
    void finished(refermap::ui::TaskId id, bool ok, const QString& errorText);
    void cancelled(refermap::ui::TaskId id);

private:
    struct Task;
    class Runner;

    // GUI thread, queued from the worker.
    void reportStarted(TaskId id);
    void reportProgress(TaskId id, double fraction, const QString& message, int etaSeconds);
    void reportEnded(TaskId id, std::optional<Error> error);

    QThreadPool pool_;
    TaskId nextId_ = 1;
    std::map<TaskId, std::shared_ptr<Task>> active_;
};

} // namespace refermap::ui
