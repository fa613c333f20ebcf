// The run journal on its own: batched appends are resumed exactly (16-bit quantisation), a torn
// last record is dropped, another run's journal is started afresh, and appends on a writer thread
// do not disturb the replay of journalled tiles on another (the query runner's use).
#include "engine/run_journal.h"

#include "support/temporary_folder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <thread>

namespace refermap::engine {
namespace {

std::vector<float> ramp(std::size_t count, float offset)
{
    std::vector<float> values(count);
    for (std::size_t i = 0; i < count; ++i) {
        const double position = static_cast<double>(i) * 0.61803 + offset;
        values[i] = static_cast<float>(position - std::floor(position));
    }
    return values;
}

std::vector<float> quantised(std::vector<float> values)
{
    RunJournal::quantise(values);
    return values;
}

using RunJournalTest = testing::TemporaryFolderTest;

TEST_F(RunJournalTest, BatchedAppendsAreResumedQuantised)
{
    const auto path = folder() / "out.gpkg.journal";
    {
        auto journal = RunJournal::open(path, "run A");
        ASSERT_TRUE(journal) << journal.error().message();
        ASSERT_TRUE(journal->append({{0, 0, ramp(4096, 0.1f)}, {1, 0, ramp(4096, 0.2f)}}));
        ASSERT_TRUE(journal->append({{0, 1, ramp(100, 0.3f)}}));
        EXPECT_EQ(journal->size(), 3u);
    }
    auto resumed = RunJournal::open(path, "run A");
    ASSERT_TRUE(resumed) << resumed.error().message();
    ASSERT_EQ(resumed->size(), 3u);
    EXPECT_TRUE(resumed->contains(1, 0));
    EXPECT_FALSE(resumed->contains(1, 1));
    EXPECT_EQ(*resumed->read(0, 0), quantised(ramp(4096, 0.1f)));
    EXPECT_EQ(*resumed->read(1, 0), quantised(ramp(4096, 0.2f)));
    EXPECT_EQ(*resumed->read(0, 1), quantised(ramp(100, 0.3f)));
    EXPECT_FALSE(resumed->read(1, 1));

    auto other = RunJournal::open(path, "run B");
    ASSERT_TRUE(other);
    EXPECT_EQ(other->size(), 0u);
}

// 16-bit quantisation is rounding to the nearest step, halves up, as std::lround gives it; values
// outside [0, 1] and NaN are clamped first.
TEST(RunJournalQuantisationTest, RoundsToTheNearestSixteenBitStep)
{
    std::vector<float> values{0.0f, 1.0f, -0.25f, 1.5f, std::nanf(""), 0.5f};
    for (int step = 0; step < 65535; step += 7) {
        values.push_back((static_cast<float>(step) + 0.5f) / 65535.0f); // ties and their neighbours
        values.push_back(std::nextafter(values.back(), 0.0f));
        values.push_back(std::nextafter(values[values.size() - 2], 1.0f));
    }
    const std::vector<float> rounded = quantised(values);
    for (std::size_t i = 0; i < values.size(); ++i) {
        const float clamped = std::isnan(values[i]) ? 0.0f : std::clamp(values[i], 0.0f, 1.0f);
        ASSERT_EQ(rounded[i], static_cast<float>(std::lround(clamped * 65535.0f)) / 65535.0f) << values[i];
    }
}

TEST_F(RunJournalTest, ATornLastRecordIsDroppedAndOverwritten)
{
    const auto path = folder() / "out.gpkg.journal";
    {
        auto journal = RunJournal::open(path, "run A");
        ASSERT_TRUE(journal);
        ASSERT_TRUE(journal->append({{0, 0, ramp(1000, 0.1f)}, {1, 0, ramp(1000, 0.2f)}}));
    }
    std::filesystem::resize_file(path, std::filesystem::file_size(path) - 7); // killed mid-write
    {
        auto journal = RunJournal::open(path, "run A");
        ASSERT_TRUE(journal);
        EXPECT_EQ(journal->size(), 1u);
        EXPECT_FALSE(journal->contains(1, 0));
        ASSERT_TRUE(journal->append({{2, 0, ramp(1000, 0.4f)}}));
    }
    auto journal = RunJournal::open(path, "run A");
    ASSERT_TRUE(journal);
    EXPECT_EQ(journal->size(), 2u);
    EXPECT_EQ(*journal->read(2, 0), quantised(ramp(1000, 0.4f)));
}

TEST_F(RunJournalTest, AppendsOnAWriterThreadLeaveTheReplayIntact)
{
    const auto path = folder() / "out.gpkg.journal";
    {
        auto journal = RunJournal::open(path, "run A");
        ASSERT_TRUE(journal);
        ASSERT_TRUE(journal->append({{0, 0, ramp(4096, 0.5f)}}));
    }
    auto journal = RunJournal::open(path, "run A");
    ASSERT_TRUE(journal);
    const std::vector<float> replayed = quantised(ramp(4096, 0.5f));
    std::thread writer([&] {
        for (int row = 1; row <= 60; ++row)
            ASSERT_TRUE(journal->append({{0, row, ramp(4096, row * 0.01f)}, {1, row, ramp(4096, row * 0.02f)}}));
    });
    for (int i = 0; i < 200; ++i) {
        auto read = journal->read(0, 0);
        ASSERT_TRUE(read) << read.error().message();
        ASSERT_EQ(*read, replayed);
        (void)journal->contains(1, i % 60);
    }
    writer.join();
    EXPECT_EQ(journal->size(), 121u);
    EXPECT_EQ(*journal->read(1, 60), quantised(ramp(4096, 60 * 0.02f)));
}

} // namespace
} // namespace refermap::engine
