// releaseFreedMemory: memory freed below a block still in use (which glibc keeps in its heap) goes
// back to the system.
#include "common/freed_memory.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <vector>

namespace refermap {
namespace {

long residentKiB()
{
    std::ifstream status("/proc/self/status");
    std::string key;
    long value = 0;
    std::string unit;
    while (status >> key) {
        if (key == "VmRSS:") {
            status >> value >> unit;
            return value;
        }
        status.ignore(1 << 20, '\n');
    }
    return -1;
}

TEST(FreedMemoryTest, MemoryFreedUnderABlockInUseGoesBack)
{
    // 96 MiB in 32 KiB blocks (below glibc's mmap threshold, so from its heap), written so they
    // are resident, each followed by a small block that stays in use; then the big ones are freed,
    // leaving the heap full of holes that glibc keeps.
    constexpr std::size_t kBlocks = 3072;
    constexpr std::size_t kBlockSize = 32 * 1024;
    std::vector<void*> blocks;
    std::vector<void*> pins;
    blocks.reserve(kBlocks);
    pins.reserve(kBlocks);
    for (std::size_t i = 0; i < kBlocks; ++i) {
        blocks.push_back(std::malloc(kBlockSize));
        pins.push_back(std::malloc(64));
        ASSERT_NE(blocks.back(), nullptr);
        ASSERT_NE(pins.back(), nullptr);
        std::memset(blocks.back(), static_cast<int>(i % 251) + 1, kBlockSize);
    }
    const long allocated = residentKiB();
    for (void* block : blocks)
        std::free(block);
    const long before = residentKiB();
    releaseFreedMemory();
    const long after = residentKiB();
    for (void* pin : pins)
        std::free(pin);
    EXPECT_GT(before, allocated - 16 * 1024) << "glibc kept the holes (the case this function is for)";
    ASSERT_GT(before, 0);
    EXPECT_LT(after, before - 64 * 1024) << "resident before " << before << " KiB, after " << after << " KiB";
}

} // namespace
} // namespace refermap
