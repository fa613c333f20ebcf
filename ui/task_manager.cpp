#include "ui/task_manager.h"

#include <QCoreApplication>
#include <QMetaObject>
#include <QRunnable>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <climits>
#include <cmath>

namespace refermap::ui {

namespace {

// At most 20 progress signals per second and task: the panel repaints no faster than that is useful.
constexpr std::chrono::milliseconds progressInterval {50};

} // namespace

struct TaskManager::Task {
    Task(TaskId taskId, QString taskTitle, Job taskJob, std::function<void()> success)
        : id(taskId)
        , title(std::move(taskTitle))
        , job(std::move(taskJob))
        , onSuccess(std::move(success))
        , feedback(progressInterval)
    { }

    const TaskId id;
    const QString title;
    Job job; // touched by the worker only, once it runs
    std::function<void()> onSuccess; // GUI thread only
    ProgressFeedback feedback; // shared: cancel() from the GUI, setProgress() from the worker
};

// The worker side: runs the job and posts every report to the manager's (GUI) thread. The manager
// outlives every runner (its destructor waits for the pool), so the pointer stays valid.
class TaskManager::Runner : public QRunnable {
public:
    Runner(TaskManager* manager, std::shared_ptr<Task> task)
        : manager_(manager)
        , task_(std::move(task))
    {
        setAutoDelete(true);
    }

    void run() override
    {
        TaskManager* manager = manager_;
        const TaskId id = task_->id;
        if (task_->feedback.isCancelled()) { // cancelled while queued: never start
            post([manager, id] {
                manager->reportEnded(id, Error(ErrorCode::Cancelled, "cancelled before it started"));
            });
            return;
        }
        post([manager, id] { manager->reportStarted(id); });
        task_->feedback.setListener([manager, id](const ProgressUpdate& update) {
            const int eta = update.eta ? static_cast<int>(std::ceil(update.eta->count() / 1000.0)) : -1;
            const QString message = QString::fromStdString(update.message);
            const double fraction = update.fraction;
            QMetaObject::invokeMethod(
                manager, [manager, id, fraction, message, eta] { manager->reportProgress(id, fraction, message, eta); },
                Qt::QueuedConnection);
        });
        Job job = std::move(task_->job);
        ProgressFeedback& feedback = task_->feedback;
        Result<void> result = captureErrors([&] { job(feedback).value(); });
        job = nullptr; // release what the job captured here, in the worker, not in the GUI thread
        std::optional<Error> error;
        if (!result)
            error = result.error();
        post([manager, id, error] { manager->reportEnded(id, error); });
    }

private:
    template <typename Function> void post(Function function)
    {
        QMetaObject::invokeMethod(manager_, std::move(function), Qt::QueuedConnection);
    }

    TaskManager* manager_;
    std::shared_ptr<Task> task_;
};

TaskManager::TaskManager(QObject* parent, int maxConcurrent)
    : QObject(parent)
{
    pool_.setMaxThreadCount(std::max(1, maxConcurrent));
}

TaskManager::~TaskManager()
{
    cancelAll();
    pool_.waitForDone(); // jobs check cancellation between tiles; reports still queued are dropped with us
}

TaskId TaskManager::start(const QString& title, Job job, std::function<void()> onSuccess)
{
    const TaskId id = nextId_++;
    auto task = std::make_shared<Task>(id, title, std::move(job), std::move(onSuccess));
    active_.emplace(id, task);
    spdlog::debug("task {} queued: {}", id, title.toStdString());
    emit submitted(id, title);
    pool_.start(new Runner(this, std::move(task)));
    return id;
}

void TaskManager::cancel(TaskId id)
{
    if (auto found = active_.find(id); found != active_.end()) {
        spdlog::info("cancelling task {}: {}", id, found->second->title.toStdString());
        found->second->feedback.cancel();
    }
}

void TaskManager::cancelAll()
{
    for (auto& [id, task] : active_)
        task->feedback.cancel();
}

bool TaskManager::waitForAll(std::chrono::milliseconds timeout)
{
    const bool done
        = pool_.waitForDone(static_cast<int>(std::min<std::chrono::milliseconds::rep>(timeout.count(), INT_MAX)));
    // The ended jobs' reports are queued to this object: deliver them now, so callers (a closing
    // window, a test) see finished()/cancelled() before this returns.
    QCoreApplication::sendPostedEvents(this, QEvent::MetaCall);
    return done && active_.empty();
}

QString TaskManager::title(TaskId id) const
{
    const auto found = active_.find(id);
    return found == active_.end() ? QString() : found->second->title;
}

void TaskManager::reportStarted(TaskId id)
{
    if (active_.count(id))
        emit started(id);
}

void TaskManager::reportProgress(TaskId id, double fraction, const QString& message, int etaSeconds)
{
    if (active_.count(id))
        emit progress(id, fraction, message, etaSeconds);
}

void TaskManager::reportEnded(TaskId id, std::optional<Error> error)
{
    const auto found = active_.find(id);
    if (found == active_.end())
        return;
    const std::shared_ptr<Task> task = found->second;
    active_.erase(found);
    if (error && error->code() == ErrorCode::Cancelled) {
        spdlog::info("task {} cancelled: {}", id, task->title.toStdString());
        emit cancelled(id);
        return;
    }
    if (error) {
        spdlog::error("task {} failed: {}: {}", id, task->title.toStdString(), error->message());
        emit finished(id, false, QString::fromStdString(error->message()));
        return;
    }
    spdlog::info("task {} done: {}", id, task->title.toStdString());
    if (task->onSuccess)
        task->onSuccess();
    emit finished(id, true, QString());
}

} // namespace refermap::ui
