#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

namespace refermap {

// One progress report, as delivered to a listener.
struct ProgressUpdate {
    double fraction = 0.0;                     // 0..1, never decreasing within one job
    std::string message;                       // what the job is doing now (may be empty)
    std::chrono::milliseconds elapsed{0};      // since the feedback object was created or reset
    std::optional<std::chrono::milliseconds> eta; // remaining time estimate, once it means something
};

// Progress and cancellation shared between a long job and whoever watches it (CLI progress bar, GUI
// task, test). The job calls setProgress() and checks isCancelled() between tiles or batches; any
// thread may call cancel(). Progress is monotonic and throttled: the listener runs at most once per
// interval (plus once when the job reaches 100 %), on the thread that reported, never two at once.
class ProgressFeedback {
public:
    using Listener = std::function<void(const ProgressUpdate&)>;

    explicit ProgressFeedback(std::chrono::milliseconds interval = std::chrono::milliseconds(100));
    ProgressFeedback(const ProgressFeedback&) = delete;
    ProgressFeedback& operator=(const ProgressFeedback&) = delete;

    // Set before the job starts; not safe to change while a job reports.
    void setListener(Listener listener);

    // Thread-safe, lock-free; the job stops at its next check.
    void cancel() noexcept { cancelled_.store(true, std::memory_order_relaxed); }
    bool isCancelled() const noexcept { return cancelled_.load(std::memory_order_relaxed); }
    // Throws refermap::Exception with ErrorCode::Cancelled when cancelled; for deep call stacks.
    void throwIfCancelled() const;

    // Thread-safe. `fraction` is clamped to [0, 1]; a value below the current one is ignored.
    void setProgress(double fraction, const std::string& message = {});

    double progress() const noexcept { return fraction_.load(std::memory_order_relaxed); }
    std::chrono::milliseconds elapsed() const;
    // Linear estimate from the progress so far; empty until 1 % is done and 0.5 s has passed.
    std::optional<std::chrono::milliseconds> eta() const;

private:
    using Clock = std::chrono::steady_clock;

    std::atomic<bool> cancelled_{false};
    std::atomic<double> fraction_{0.0};
    std::atomic<Clock::rep> lastReport_;
    const Clock::time_point start_;
    const std::chrono::milliseconds interval_;
    std::mutex listenerMutex_;
    Listener listener_;
    bool reportedDone_ = false; // guarded by listenerMutex_
};

// A slice [begin, end] of a parent's progress, for one step of a multi-step job: a step reports its
// own 0..1 and the parent sees begin + fraction * (end - begin). Cancellation is the parent's.
class ProgressRange {
public:
    ProgressRange(ProgressFeedback& parent, double begin, double end);

    void setProgress(double fraction, const std::string& message = {});
    bool isCancelled() const noexcept { return parent_.isCancelled(); }
    void throwIfCancelled() const { parent_.throwIfCancelled(); }
    ProgressFeedback& parent() const { return parent_; }

private:
    ProgressFeedback& parent_;
    double begin_;
    double end_;
};

} // namespace refermap
