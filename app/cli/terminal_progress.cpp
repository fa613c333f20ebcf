#include "terminal_progress.h"

#include <spdlog/fmt/fmt.h>

#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <memory>
#include <unistd.h>

namespace refermap::cli {

namespace {

std::string formatDuration(std::chrono::milliseconds duration)
{
    const auto seconds = duration.count() / 1000;
    if (seconds >= 3600)
        return fmt::format("{}h{:02}m", seconds / 3600, (seconds / 60) % 60);
    if (seconds >= 60)
        return fmt::format("{}m{:02}s", seconds / 60, seconds % 60);
    return fmt::format("{}s", seconds);
}

std::atomic<ProgressFeedback*> interrupted{nullptr};

extern "C" void cancelOnSignal(int signal)
{
    if (ProgressFeedback* feedback = interrupted.load())
        feedback->cancel(); // lock-free atomic store: safe in a signal handler
    std::signal(signal, SIG_DFL); // the next one terminates
}

} // namespace

void showProgress(ProgressFeedback& feedback, const std::string& job, bool quiet)
{
    if (quiet)
        return;
    const bool terminal = ::isatty(STDERR_FILENO) != 0;
    auto lastStep = std::make_shared<int>(-1);
    feedback.setListener([job, terminal, lastStep](const ProgressUpdate& update) {
        const int percent = static_cast<int>(std::floor(update.fraction * 100.0));
        const std::string eta = update.eta ? " ETA " + formatDuration(*update.eta) : std::string();
        if (terminal) {
            constexpr int width = 30;
            const int filled = static_cast<int>(update.fraction * width);
            std::fprintf(stderr, "\r%s [%s%s] %3d%% %s%s\033[K", job.c_str(), std::string(filled, '#').c_str(),
                         std::string(width - filled, ' ').c_str(), percent, update.message.c_str(), eta.c_str());
            if (update.fraction >= 1.0)
                std::fputc('\n', stderr);
            std::fflush(stderr);
            return;
        }
        const int step = percent / 5;
        if (step == *lastStep)
            return;
        *lastStep = step;
        std::fprintf(stderr, "%s: %d%% %s%s\n", job.c_str(), percent, update.message.c_str(), eta.c_str());
    });
}

InterruptCancels::InterruptCancels(ProgressFeedback& feedback)
{
    interrupted.store(&feedback);
    std::signal(SIGINT, cancelOnSignal);
    std::signal(SIGTERM, cancelOnSignal);
}

InterruptCancels::~InterruptCancels()
{
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    interrupted.store(nullptr);
}

} // namespace refermap::cli
