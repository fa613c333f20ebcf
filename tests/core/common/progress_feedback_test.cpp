#include "common/progress_feedback.h"

#include "common/error.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace refermap {
namespace {

using namespace std::chrono_literals;

TEST(ProgressFeedbackTest, ProgressIsClampedAndNeverDecreases)
{
    ProgressFeedback feedback(0ms);
    feedback.setProgress(0.4);
    feedback.setProgress(0.2);
    EXPECT_DOUBLE_EQ(feedback.progress(), 0.4);
    feedback.setProgress(7.0);
    EXPECT_DOUBLE_EQ(feedback.progress(), 1.0);
    feedback.setProgress(-1.0);
    EXPECT_DOUBLE_EQ(feedback.progress(), 1.0);
}

TEST(ProgressFeedbackTest, ListenerIsThrottledButAlwaysSeesCompletionOnce)
{
    ProgressFeedback feedback(1h);
    std::vector<ProgressUpdate> updates;
    feedback.setListener([&](const ProgressUpdate& update) { updates.push_back(update); });
    for (int step = 1; step <= 1000; ++step)
        feedback.setProgress(step / 1000.0, "tile");
    feedback.setProgress(1.0);
    ASSERT_EQ(updates.size(), 2u); // the first report, then completion (once)
    EXPECT_DOUBLE_EQ(updates.front().fraction, 0.001);
    EXPECT_DOUBLE_EQ(updates.back().fraction, 1.0);
    EXPECT_EQ(updates.back().message, "tile");
    ASSERT_TRUE(updates.back().eta.has_value());
    EXPECT_EQ(updates.back().eta->count(), 0);
}

TEST(ProgressFeedbackTest, UnthrottledListenerSeesEveryStep)
{
    ProgressFeedback feedback(0ms);
    int calls = 0;
    feedback.setListener([&](const ProgressUpdate&) { ++calls; });
    for (int step = 1; step <= 10; ++step)
        feedback.setProgress(step / 20.0);
    EXPECT_EQ(calls, 10);
}

TEST(ProgressFeedbackTest, EtaAppearsOnceProgressAndTimeMeanSomething)
{
    ProgressFeedback feedback(0ms);
    EXPECT_FALSE(feedback.eta());
    feedback.setProgress(0.5);
    EXPECT_FALSE(feedback.eta()) << "no estimate before half a second has passed";
    std::this_thread::sleep_for(600ms);
    const auto eta = feedback.eta();
    ASSERT_TRUE(eta);
    // Half done after ~0.6 s: about 0.6 s remain.
    EXPECT_GE(eta->count(), 500);
    EXPECT_LE(eta->count(), 5000);
}

TEST(ProgressFeedbackTest, CancelFromAnotherThreadStopsTheJob)
{
    ProgressFeedback feedback;
    std::atomic<int> steps{0};
    std::thread job([&] {
        while (!feedback.isCancelled()) {
            ++steps;
            feedback.setProgress(0.5);
            std::this_thread::yield();
        }
    });
    while (steps.load() < 10)
        std::this_thread::yield();
    feedback.cancel();
    job.join();
    EXPECT_TRUE(feedback.isCancelled());
    try {
        feedback.throwIfCancelled();
        FAIL() << "throwIfCancelled() must throw after cancel()";
    } catch (const Exception& e) {
        EXPECT_EQ(e.error().code(), ErrorCode::Cancelled);
    }
}

TEST(ProgressFeedbackTest, ManyThreadsReportWithoutOverlappingListenerCalls)
{
    ProgressFeedback feedback(0ms);
    std::atomic<int> inside{0};
    std::atomic<bool> overlapped{false};
    std::atomic<int> calls{0};
    feedback.setListener([&](const ProgressUpdate&) {
        if (inside.fetch_add(1) != 0)
            overlapped = true;
        ++calls;
        inside.fetch_sub(1);
    });
    std::vector<std::thread> workers;
    for (int worker = 0; worker < 4; ++worker) {
        workers.emplace_back([&, worker] {
            for (int step = 0; step < 2000; ++step)
                feedback.setProgress((worker * 2000 + step) / 8000.0);
        });
    }
    for (auto& thread : workers)
        thread.join();
    EXPECT_FALSE(overlapped);
    EXPECT_GT(calls.load(), 0);
    EXPECT_NEAR(feedback.progress(), 7999.0 / 8000.0, 1e-12);
}

TEST(ProgressRangeTest, MapsAStepIntoItsSliceOfTheParent)
{
    ProgressFeedback feedback(0ms);
    ProgressRange read(feedback, 0.0, 0.25);
    ProgressRange write(feedback, 0.25, 1.0);
    read.setProgress(0.5);
    EXPECT_DOUBLE_EQ(feedback.progress(), 0.125);
    read.setProgress(1.0);
    write.setProgress(0.5);
    EXPECT_DOUBLE_EQ(feedback.progress(), 0.625);
    write.setProgress(2.0);
    EXPECT_DOUBLE_EQ(feedback.progress(), 1.0);
    feedback.cancel();
    EXPECT_TRUE(write.isCancelled());
}

} // namespace
} // namespace refermap
