// COCO RLE decoding against the COCO API's own results on real referring masks (area, bbox and the
// sha256 of the row-major mask in data/rle/coco-rle-cases.json), hand-made masks whose row-major
// pixels are worked out by hand, and malformed strings.
#include "engine/coco_rle.h"

#include "rle_test_sha256.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

namespace refermap::engine {
namespace {

// maskApi.c rleToString, over raw values (which may be negative, to build malformed strings).
std::string encodeCounts(const std::vector<std::int64_t>& counts)
{
    std::string text;
    for (std::size_t i = 0; i < counts.size(); ++i) {
        std::int64_t x = counts[i];
        if (i > 2)
            x -= counts[i - 2];
        bool more = true;
        while (more) {
            char c = static_cast<char>(x & 0x1f);
            x >>= 5;
            more = (c & 0x10) ? x != -1 : x != 0;
            if (more)
                c |= 0x20;
            text.push_back(static_cast<char>(c + 48));
        }
    }
    return text;
}

TEST(Sha256, KnownDigests)
{
    EXPECT_EQ(testing::sha256Hex({}), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    const std::string abc = "abc";
    EXPECT_EQ(testing::sha256Hex(std::vector<std::uint8_t>(abc.begin(), abc.end())),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(CocoRle, RealCasesMatchTheCocoApi)
{
    std::ifstream stream(std::filesystem::path(TEST_DATA_DIR) / "rle" / "coco-rle-cases.json");
    ASSERT_TRUE(stream);
    const auto cases = nlohmann::json::parse(stream);
    ASSERT_GE(cases.size(), 5u);
    for (std::size_t i = 0; i < cases.size(); ++i) {
        SCOPED_TRACE("case " + std::to_string(i));
        const auto& entry = cases[i];
        const int height = entry["size_hw"][0].get<int>();
        const int width = entry["size_hw"][1].get<int>();
        const std::string counts = entry["counts"].get<std::string>();
        auto rle = parseCocoRleString(counts, height, width, "counts");
        ASSERT_TRUE(rle) << rle.error().message();
        EXPECT_EQ(cocoRleArea(*rle), entry["expected"]["area"].get<std::uint64_t>());
        const auto box = cocoRleBbox(*rle);
        for (int c = 0; c < 4; ++c)
            EXPECT_EQ(box[c], entry["expected"]["bbox_xywh"][c].get<double>()) << "bbox component " << c;
        const BinaryMask mask = decodeCocoRle(*rle);
        ASSERT_EQ(mask.width, width);
        ASSERT_EQ(mask.height, height);
        EXPECT_EQ(testing::sha256Hex(mask.pixels), entry["expected"]["sha256_rowmajor_uint8_0_1"].get<std::string>());
        std::uint64_t ones = 0;
        for (std::uint8_t pixel : mask.pixels)
            ones += pixel;
        EXPECT_EQ(ones, cocoRleArea(*rle));

        // Re-encoding the parsed runs gives the original string back, and the uncompressed form
        // decodes to the same mask.
        std::vector<std::int64_t> raw(rle->counts.begin(), rle->counts.end());
        EXPECT_EQ(encodeCounts(raw), counts);
        auto uncompressed = cocoRleFromCounts(raw, height, width, "counts");
        ASSERT_TRUE(uncompressed);
        EXPECT_EQ(decodeCocoRle(*uncompressed).pixels, mask.pixels);
    }
}

TEST(CocoRle, ColumnMajorRunsBecomeRowMajorPixels)
{
    // 3 rows × 2 columns; runs bg 1, fg 2, bg 3 down column 0 then column 1.
    auto rle = cocoRleFromCounts({1, 2, 3}, 3, 2, "k");
    ASSERT_TRUE(rle);
    EXPECT_EQ(decodeCocoRle(*rle).pixels, (std::vector<std::uint8_t> {0, 0, 1, 0, 1, 0}));
    EXPECT_EQ(cocoRleArea(*rle), 2u);
    EXPECT_EQ(cocoRleBbox(*rle), (std::array<double, 4> {0, 1, 1, 2}));

    // A foreground run from the bottom of column 0 to the top of column 1: rleToBbox spans the full height.
    auto crossing = cocoRleFromCounts({2, 2, 2}, 3, 2, "k");
    ASSERT_TRUE(crossing);
    EXPECT_EQ(decodeCocoRle(*crossing).pixels, (std::vector<std::uint8_t> {0, 1, 0, 0, 1, 0}));
    EXPECT_EQ(cocoRleBbox(*crossing), (std::array<double, 4> {0, 0, 2, 3}));
}

TEST(CocoRle, DeltaCodingStartsAtTheFourthCount)
{
    // 2 rows × 3 columns, runs 1,1,1,1,1,1: stored as 1,1,1 then differences 0,0,0.
    auto rle = parseCocoRleString("111000", 2, 3, "k");
    ASSERT_TRUE(rle) << rle.error().message();
    EXPECT_EQ(rle->counts, (std::vector<std::uint32_t> {1, 1, 1, 1, 1, 1}));
    EXPECT_EQ(decodeCocoRle(*rle).pixels, (std::vector<std::uint8_t> {0, 0, 0, 1, 1, 1}));
    EXPECT_EQ(cocoRleBbox(*rle), (std::array<double, 4> {0, 1, 3, 1}));

    // Multi-character counts with negative differences: 40 × 1 with runs 3, 30, 2, 5.
    const std::string text = encodeCounts({3, 30, 2, 5});
    auto longer = parseCocoRleString(text, 40, 1, "k");
    ASSERT_TRUE(longer) << longer.error().message();
    EXPECT_EQ(longer->counts, (std::vector<std::uint32_t> {3, 30, 2, 5}));
    EXPECT_EQ(cocoRleArea(*longer), 35u);
}

TEST(CocoRle, EmptyMask)
{
    auto rle = parseCocoRleString("6", 2, 3, "k");
    ASSERT_TRUE(rle);
    EXPECT_EQ(decodeCocoRle(*rle).pixels, std::vector<std::uint8_t>(6, 0));
    EXPECT_EQ(cocoRleArea(*rle), 0u);
    EXPECT_EQ(cocoRleBbox(*rle), (std::array<double, 4> {0, 0, 0, 0}));
}

void expectError(const Result<CocoRle>& rle, ErrorCode code, const std::string& words)
{
    ASSERT_FALSE(rle);
    EXPECT_EQ(rle.error().code(), code) << rle.error().message();
    EXPECT_NE(rle.error().message().find(words), std::string::npos) << rle.error().message();
    EXPECT_NE(rle.error().message().find("annotations[4].counts"), std::string::npos) << rle.error().message();
}

TEST(CocoRle, MalformedStringsAreErrorsNamingTheKey)
{
    const std::string key = "annotations[4].counts";
    expectError(parseCocoRleString("11~", 2, 3, key), ErrorCode::InvalidData, "character");
    expectError(parseCocoRleString("1 1", 2, 3, key), ErrorCode::InvalidData, "character");
    expectError(
        parseCocoRleString("1P", 2, 3, key), ErrorCode::InvalidData, "ends inside a count"); // 'P' = 0x20: more follows
    expectError(parseCocoRleString("7", 2, 3, key), ErrorCode::InvalidData, "overrun");
    expectError(parseCocoRleString("1115", 2, 3, key), ErrorCode::InvalidData, "overrun");
    expectError(parseCocoRleString("5", 2, 3, key), ErrorCode::InvalidData, "do not cover");
    expectError(parseCocoRleString("", 2, 3, key), ErrorCode::InvalidData, "do not cover");
    expectError(parseCocoRleString("O", 2, 3, key), ErrorCode::InvalidData, "negative"); // -1
    expectError(parseCocoRleString(encodeCounts({1, 1, 1, -3}), 2, 3, key), ErrorCode::InvalidData, "negative");
    expectError(parseCocoRleString("ooooooooo0", 2, 3, key), ErrorCode::InvalidData, "too large");
    expectError(parseCocoRleString("6", 0, 6, key), ErrorCode::InvalidArgument, "size");
    expectError(parseCocoRleString("6", 6, -1, key), ErrorCode::InvalidArgument, "size");
}

TEST(CocoRle, MalformedUncompressedCountsAreErrors)
{
    const std::string key = "annotations[4].counts";
    expectError(cocoRleFromCounts({1, -2, 7}, 2, 3, key), ErrorCode::InvalidData, "negative");
    expectError(cocoRleFromCounts({4, 3}, 2, 3, key), ErrorCode::InvalidData, "overrun");
    expectError(cocoRleFromCounts({4, 1}, 2, 3, key), ErrorCode::InvalidData, "do not cover");
    expectError(cocoRleFromCounts({std::int64_t {1} << 33}, 2, 3, key), ErrorCode::InvalidData, "too large");
}

} // namespace
} // namespace refermap::engine
