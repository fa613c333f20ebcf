// Helper threads of the raster pipeline run at idle priority; the call must really change the
// calling thread's scheduling class on Linux, and only that thread's.
#include "common/background_priority.h"

#include <gtest/gtest.h>

#include <pthread.h>
#include <sched.h>

#include <thread>

namespace refermap {
namespace {

int schedulingPolicy()
{
    int policy = -1;
    sched_param parameter {};
    pthread_getschedparam(pthread_self(), &policy, &parameter);
    return policy;
}

TEST(BackgroundPriorityTest, OnlyTheCallingThreadBecomesIdle)
{
    const int before = schedulingPolicy();
    ASSERT_NE(before, SCHED_IDLE);
    bool lowered = false;
    int inside = -1;
    std::thread helper([&] {
        lowered = runCurrentThreadAtIdlePriority();
        inside = schedulingPolicy();
    });
    helper.join();
    EXPECT_TRUE(lowered);
    EXPECT_EQ(inside, SCHED_IDLE);
    EXPECT_EQ(schedulingPolicy(), before) << "the caller's own thread must keep its class";
}

} // namespace
} // namespace refermap
