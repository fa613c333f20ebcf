// The background worker behind the raster pipeline's blender and the query's journal writer: jobs
// run in order on one other thread, the queue is bounded, the first failure stops it, and an
// abandoned worker drops what is queued.
#include "common/serial_worker.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <stdexcept>
#include <thread>
#include <vector>

namespace refermap {
namespace {

// A job that reports it started and then waits until the test lets it go.
class Gate {
public:
    SerialWorker::Job job(std::vector<int>& ran, int id)
    {
        return [this, &ran, id] {
            started_.set_value();
            release_.get_future().wait();
            ran.push_back(id);
            return Result<void>{};
        };
    }
    // Submits the gated job and waits until the worker runs it: the worker is then busy.
    bool occupy(SerialWorker& worker, std::vector<int>& ran, int id)
    {
        if (!worker.submit(job(ran, id)))
            return false;
        started_.get_future().wait();
        return true;
    }
    void open() { release_.set_value(); }

private:
    std::promise<void> started_;
    std::promise<void> release_;
};

SerialWorker::Job record(std::vector<int>& ran, int id)
{
    return [&ran, id] {
        ran.push_back(id);
        return Result<void>{};
    };
}

TEST(SerialWorkerTest, RunsEveryJobInOrderOnAnotherThread)
{
    std::vector<int> ran;
    std::vector<std::thread::id> threads;
    SerialWorker worker("test worker", 3);
    for (int id = 0; id < 200; ++id) {
        ASSERT_TRUE(worker.submit([&, id] {
            ran.push_back(id);
            threads.push_back(std::this_thread::get_id());
            return Result<void>{};
        }));
    }
    ASSERT_TRUE(worker.finish());
    ASSERT_EQ(ran.size(), 200u);
    for (int id = 0; id < 200; ++id)
        EXPECT_EQ(ran[static_cast<std::size_t>(id)], id);
    for (const std::thread::id& thread : threads) {
        EXPECT_NE(thread, std::this_thread::get_id());
        EXPECT_EQ(thread, threads.front());
    }
}

TEST(SerialWorkerTest, SubmitWaitsWhileTheWorkerIsFull)
{
    std::vector<int> ran;
    Gate gate;
    SerialWorker worker("test worker", 2);
    ASSERT_TRUE(gate.occupy(worker, ran, 1));
    ASSERT_TRUE(worker.submit(record(ran, 2))); // one running, one queued: full
    auto third = std::async(std::launch::async, [&] { return worker.submit(record(ran, 3)); });
    EXPECT_EQ(third.wait_for(std::chrono::milliseconds(200)), std::future_status::timeout)
        << "a third job must wait while the first runs and the second is queued";
    gate.open();
    ASSERT_TRUE(third.get());
    ASSERT_TRUE(worker.finish());
    EXPECT_EQ(ran, (std::vector<int>{1, 2, 3}));
}

TEST(SerialWorkerTest, TheFirstFailureStopsTheWorkerAndIsReported)
{
    std::vector<int> ran;
    Gate gate;
    SerialWorker worker("test worker", 4);
    ASSERT_TRUE(gate.occupy(worker, ran, 1));
    ASSERT_TRUE(worker.submit([] { return Result<void>(Error(ErrorCode::Io, "disk full")); }));
    ASSERT_TRUE(worker.submit(record(ran, 3)));
    gate.open();
    const Result<void> finished = worker.finish();
    ASSERT_FALSE(finished);
    EXPECT_EQ(finished.error().code(), ErrorCode::Io);
    EXPECT_EQ(finished.error().message(), "disk full");
    EXPECT_EQ(ran, (std::vector<int>{1})) << "the job queued behind the failure must not run";
}

TEST(SerialWorkerTest, SubmitAfterAFailureReturnsThatFailure)
{
    SerialWorker worker("test worker", 1);
    ASSERT_TRUE(worker.submit([] { return Result<void>(Error(ErrorCode::Io, "disk full")); }));
    // The failed job frees the worker's only place, so this waits until the failure is known.
    const Result<void> next = worker.submit([] { return Result<void>{}; });
    ASSERT_FALSE(next);
    EXPECT_EQ(next.error().message(), "disk full");
}

TEST(SerialWorkerTest, AnExceptionBecomesAnError)
{
    SerialWorker worker("test worker", 2);
    ASSERT_TRUE(worker.submit([]() -> Result<void> { throw std::runtime_error("bad_alloc in a job"); }));
    const Result<void> finished = worker.finish();
    ASSERT_FALSE(finished);
    EXPECT_EQ(finished.error().code(), ErrorCode::Internal);
    EXPECT_NE(finished.error().message().find("bad_alloc in a job"), std::string::npos) << finished.error().message();
}

TEST(SerialWorkerTest, AnAbandonedWorkerDropsItsQueueAndWaitsForTheRunningJob)
{
    std::vector<int> ran;
    Gate gate;
    std::thread opener;
    {
        SerialWorker worker("test worker", 4);
        ASSERT_TRUE(gate.occupy(worker, ran, 1));
        ASSERT_TRUE(worker.submit(record(ran, 2)));
        opener = std::thread([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            gate.open();
        });
    } // destroyed without finish(): a cancelled run
    opener.join();
    EXPECT_EQ(ran, (std::vector<int>{1})) << "the running job completes, the queued one is dropped";
}

} // namespace
} // namespace refermap
