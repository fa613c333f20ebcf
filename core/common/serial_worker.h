#pragma once

#include "common/result.h"

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace refermap {

// Runs jobs one after another, in submission order, on a thread of its own at idle priority
// (common/background_priority.h): the work that follows a compute step (blending a finished batch,
// writing it to disk) then runs while the next step computes instead of between steps.
//
// At most `capacity` jobs are queued or running; submit() waits for room, which keeps the memory of
// the pending jobs bounded when the worker falls behind. The first job that fails stops the worker:
// the jobs still queued are dropped and that error is returned by every later submit() and by
// finish(). Destroying the worker without finish() drops the queued jobs and waits for the running
// one (a cancelled or failed run). Any thread may submit; finish() is called once.
class SerialWorker {
public:
    using Job = std::function<Result<void>()>;

    // `name` appears in the log when the idle priority is refused.
    SerialWorker(std::string name, std::size_t capacity);
    ~SerialWorker();
    SerialWorker(const SerialWorker&) = delete;
    SerialWorker& operator=(const SerialWorker&) = delete;

    // Queues a job, waiting while the worker is full; the error of an earlier failed job, if any.
    Result<void> submit(Job job);
    // Runs every queued job, stops the thread; the first failure, if any.
    Result<void> finish();

private:
    void run();
    void stop(bool dropQueued);

    const std::string name_;
    const std::size_t capacity_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<Job> queue_;
    std::optional<Error> error_;
    bool busy_ = false; // a job is running (it counts towards the capacity)
    bool closed_ = false;
    std::thread thread_; // last: started once everything above exists
};

} // namespace refermap
