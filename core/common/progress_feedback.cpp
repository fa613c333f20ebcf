#include "common/progress_feedback.h"

#include "common/error.h"

#include <algorithm>
#include <limits>
#include <utility>

namespace refermap {

namespace {
constexpr double minimumFractionForEta = 0.01;
constexpr std::chrono::milliseconds minimumTimeForEta{500};
} // namespace

ProgressFeedback::ProgressFeedback(std::chrono::milliseconds interval)
    : lastReport_(std::numeric_limits<Clock::rep>::min())
    , start_(Clock::now())
    , interval_(interval)
{
}

void ProgressFeedback::setListener(Listener listener)
{
    std::lock_guard lock(listenerMutex_);
    listener_ = std::move(listener);
}

void ProgressFeedback::throwIfCancelled() const
{
    if (isCancelled())
        throw Exception(Error(ErrorCode::Cancelled, "cancelled by the user"));
}

void ProgressFeedback::setProgress(double fraction, const std::string& message)
{
    fraction = std::clamp(fraction, 0.0, 1.0);
    double current = fraction_.load(std::memory_order_relaxed);
    while (fraction > current
           && !fraction_.compare_exchange_weak(current, fraction, std::memory_order_relaxed)) {
    }
    const double now_fraction = std::max(fraction, current);

    const bool done = now_fraction >= 1.0;
    const Clock::rep now = Clock::now().time_since_epoch().count();
    Clock::rep last = lastReport_.load(std::memory_order_relaxed);
    const auto interval_ticks = std::chrono::duration_cast<Clock::duration>(interval_).count();
    if (!done) {
        // Throttle without locking: only the thread that wins the exchange reports.
        if (last != std::numeric_limits<Clock::rep>::min() && now - last < interval_ticks)
            return;
        if (!lastReport_.compare_exchange_strong(last, now, std::memory_order_relaxed))
            return;
    }

    std::lock_guard lock(listenerMutex_);
    if (!listener_ || (done && reportedDone_))
        return;
    reportedDone_ = reportedDone_ || done;
    ProgressUpdate update;
    update.fraction = now_fraction;
    update.message = message;
    update.elapsed = elapsed();
    update.eta = eta();
    listener_(update);
}

std::chrono::milliseconds ProgressFeedback::elapsed() const
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start_);
}

std::optional<std::chrono::milliseconds> ProgressFeedback::eta() const
{
    const double fraction = progress();
    const auto spent = elapsed();
    if (fraction >= 1.0)
        return std::chrono::milliseconds(0);
    if (fraction < minimumFractionForEta || spent < minimumTimeForEta)
        return std::nullopt;
    const double remaining = static_cast<double>(spent.count()) * (1.0 - fraction) / fraction;
    return std::chrono::milliseconds(static_cast<std::chrono::milliseconds::rep>(remaining));
}

ProgressRange::ProgressRange(ProgressFeedback& parent, double begin, double end)
    : parent_(parent)
    , begin_(std::clamp(begin, 0.0, 1.0))
    , end_(std::clamp(end, begin_, 1.0))
{
}

void ProgressRange::setProgress(double fraction, const std::string& message)
{
    parent_.setProgress(begin_ + std::clamp(fraction, 0.0, 1.0) * (end_ - begin_), message);
}

} // namespace refermap
