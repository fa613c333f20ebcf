#include "common/serial_worker.h"

#include "common/background_priority.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>

namespace refermap {

SerialWorker::SerialWorker(std::string name, std::size_t capacity)
    : name_(std::move(name))
    , capacity_(std::max<std::size_t>(capacity, 1))
    , thread_([this] { run(); })
{
}

SerialWorker::~SerialWorker()
{
    stop(true);
}

Result<void> SerialWorker::submit(Job job)
{
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return error_ || closed_ || queue_.size() + (busy_ ? 1 : 0) < capacity_; });
    if (error_)
        return *error_;
    if (closed_)
        return Error(ErrorCode::Internal, "a job was submitted to the finished " + name_);
    queue_.push_back(std::move(job));
    changed_.notify_all();
    return {};
}

Result<void> SerialWorker::finish()
{
    stop(false);
    std::lock_guard lock(mutex_);
    if (error_)
        return *error_;
    return {};
}

void SerialWorker::stop(bool dropQueued)
{
    {
        std::lock_guard lock(mutex_);
        closed_ = true;
        if (dropQueued)
            queue_.clear();
    }
    changed_.notify_all();
    if (thread_.joinable())
        thread_.join();
}

void SerialWorker::run()
{
    if (!runCurrentThreadAtIdlePriority())
        spdlog::debug("the {} runs at normal priority", name_);
    for (;;) {
        Job job;
        {
            std::unique_lock lock(mutex_);
            changed_.wait(lock, [&] { return closed_ || !queue_.empty(); });
            if (queue_.empty())
                return;
            job = std::move(queue_.front());
            queue_.pop_front();
            busy_ = true;
        }
        Result<void> done;
        try {
            done = job();
        } catch (const std::exception& failure) {
            done = Error(ErrorCode::Internal, "the " + name_ + " failed").withDetail(failure.what());
        }
        job = nullptr; // what the job holds goes before the next one starts
        std::lock_guard lock(mutex_);
        busy_ = false;
        if (!done) {
            error_ = done.error();
            queue_.clear();
            changed_.notify_all();
            return;
        }
        changed_.notify_all();
    }
}

} // namespace refermap
