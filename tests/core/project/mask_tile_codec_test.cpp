#include "project/mask_tile_codec.h"

#include <gtest/gtest.h>

#include <random>

namespace refermap::project {
namespace {

TEST(MaskTileCodecTest, RoundTripsAndShrinksMasks)
{
    std::vector<std::uint8_t> mask(512 * 512, 0);
    std::fill(mask.begin() + 1000, mask.begin() + 30000, 255);
    auto compressed = MaskTileCodec::compress(mask);
    ASSERT_TRUE(compressed) << compressed.error().message();
    EXPECT_LT(compressed->size(), mask.size() / 50);
    auto back = MaskTileCodec::decompress(compressed->data(), compressed->size(), mask.size());
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_TRUE(*back == mask);
}

TEST(MaskTileCodecTest, RandomBytesRoundTrip)
{
    std::mt19937 random(5);
    std::vector<std::uint8_t> bytes(70001);
    for (auto& byte : bytes)
        byte = static_cast<std::uint8_t>(random());
    auto compressed = MaskTileCodec::compress(bytes);
    ASSERT_TRUE(compressed);
    auto back = MaskTileCodec::decompress(compressed->data(), compressed->size(), bytes.size());
    ASSERT_TRUE(back);
    EXPECT_TRUE(*back == bytes);
}

TEST(MaskTileCodecTest, WrongSizeTruncatedAndGarbageAreInvalidData)
{
    const std::vector<std::uint8_t> bytes(4096, 7);
    auto compressed = MaskTileCodec::compress(bytes);
    ASSERT_TRUE(compressed);
    for (std::size_t expected : {std::size_t {4095}, std::size_t {4097}}) {
        auto wrong = MaskTileCodec::decompress(compressed->data(), compressed->size(), expected);
        ASSERT_FALSE(wrong) << expected;
        EXPECT_EQ(wrong.error().code(), ErrorCode::InvalidData);
    }
    auto truncated = MaskTileCodec::decompress(compressed->data(), compressed->size() / 2, bytes.size());
    ASSERT_FALSE(truncated);
    EXPECT_EQ(truncated.error().code(), ErrorCode::InvalidData);
    const std::vector<std::uint8_t> garbage = {1, 2, 3, 4, 5, 6, 7, 8};
    EXPECT_FALSE(MaskTileCodec::decompress(garbage.data(), garbage.size(), 10));
    EXPECT_FALSE(MaskTileCodec::decompress(nullptr, 0, 0));
}

} // namespace
} // namespace refermap::project
