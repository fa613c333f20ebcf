// The mirror augmentation: direction words swap with their mirror images and nothing else changes
// (words that merely contain one, spacing, punctuation, non-ASCII text); capitalisation is kept;
// both mirrors compose into the half turn; tensors flip along the last two dimensions only.
#include "engine/sample_mirror.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace refermap::engine {
namespace {

constexpr SampleMirror kNone{};
constexpr SampleMirror kLeftRight{true, false};
constexpr SampleMirror kTopBottom{false, true};
constexpr SampleMirror kBoth{true, true};

TEST(SampleMirrorTest, LeftRightSwapsHorizontalWordsOnly)
{
    EXPECT_EQ(kLeftRight.apply("the tank left of the building"), "the tank right of the building");
    EXPECT_EQ(kLeftRight.apply("the rightmost ship at the top"), "the leftmost ship at the top");
    EXPECT_EQ(kLeftRight.apply("the pond east of the road, west of town"), "the pond west of the road, east of town");
    EXPECT_EQ(kLeftRight.apply("the northeastern field"), "the northwestern field");
    EXPECT_EQ(kLeftRight.apply("the car in the upper-left corner"), "the car in the upper-right corner");
}

TEST(SampleMirrorTest, TopBottomSwapsVerticalWordsOnly)
{
    EXPECT_EQ(kTopBottom.apply("the ship at the bottom"), "the ship at the top");
    EXPECT_EQ(kTopBottom.apply("the tank above the bridge"), "the tank below the bridge");
    EXPECT_EQ(kTopBottom.apply("the northernmost court, left"), "the southernmost court, left");
    EXPECT_EQ(kTopBottom.apply("the car in the lower left corner"), "the car in the upper left corner");
    EXPECT_EQ(kTopBottom.apply("the field northwest of the lake"), "the field southwest of the lake");
}

TEST(SampleMirrorTest, BothMirrorsAreTheHalfTurn)
{
    EXPECT_EQ(kBoth.apply("the car in the upper-left corner"), "the car in the lower-right corner");
    EXPECT_EQ(kBoth.apply("northeast of the harbor"), "southwest of the harbor");
    EXPECT_EQ(kBoth.apply("the southeastern roof"), "the northwestern roof");
    // Applying a mirror twice gives the sentence back.
    const std::string sentence = "The Leftmost tank, NORTH of the upper building; east-west road";
    for (const SampleMirror& mirror : {kLeftRight, kTopBottom, kBoth})
        EXPECT_EQ(mirror.apply(mirror.apply(sentence)), sentence);
}

TEST(SampleMirrorTest, KeepsCaseAndLeavesOtherWordsAlone)
{
    EXPECT_EQ(kLeftRight.apply("Left of the RIGHT Tank"), "Right of the LEFT Tank");
    // Words that only contain a direction word.
    const std::string lookalikes = "the bright leftover stop, topic bottomland northerly upperclass";
    EXPECT_EQ(kBoth.apply(lookalikes), lookalikes);
    // Non-ASCII text passes through byte for byte; a direction word next to it is still found.
    EXPECT_EQ(kLeftRight.apply("左边 the café left,  étang"), "左边 the café right,  étang");
    EXPECT_EQ(kNone.apply("the tank left of the building"), "the tank left of the building");
    EXPECT_EQ(kBoth.apply(""), "");
}

TEST(SampleMirrorTest, DrawnFromTwoBits)
{
    EXPECT_FALSE(SampleMirror::fromBits(0).any());
    EXPECT_TRUE(SampleMirror::fromBits(1).horizontal);
    EXPECT_FALSE(SampleMirror::fromBits(1).vertical);
    EXPECT_TRUE(SampleMirror::fromBits(2).vertical);
    EXPECT_FALSE(SampleMirror::fromBits(2).horizontal);
    EXPECT_TRUE(SampleMirror::fromBits(3).horizontal && SampleMirror::fromBits(3).vertical);
}

TEST(SampleMirrorTest, TensorsFlipAlongTheLastTwoDimensions)
{
    // (C=2, H=2, W=3): value = 100 c + 10 y + x.
    const torch::Tensor image = torch::tensor({0, 1, 2, 10, 11, 12, 100, 101, 102, 110, 111, 112}).reshape({2, 2, 3});
    EXPECT_TRUE(torch::equal(kNone.apply(image), image));
    EXPECT_TRUE(torch::equal(kLeftRight.apply(image),
                             torch::tensor({2, 1, 0, 12, 11, 10, 102, 101, 100, 112, 111, 110}).reshape({2, 2, 3})));
    EXPECT_TRUE(torch::equal(kTopBottom.apply(image),
                             torch::tensor({10, 11, 12, 0, 1, 2, 110, 111, 112, 100, 101, 102}).reshape({2, 2, 3})));
    EXPECT_TRUE(torch::equal(kBoth.apply(image),
                             torch::tensor({12, 11, 10, 2, 1, 0, 112, 111, 110, 102, 101, 100}).reshape({2, 2, 3})));
    // A mask (H, W).
    const torch::Tensor mask = torch::tensor({1, 0, 0, 0}).reshape({2, 2});
    EXPECT_TRUE(torch::equal(kBoth.apply(mask), torch::tensor({0, 0, 0, 1}).reshape({2, 2})));
}

} // namespace
} // namespace refermap::engine
