// Reference preprocessing: normalisation arithmetic, OpenCV's bilinear (half-pixel centres) and
// nearest (floor of dst × scale) sampling worked out by hand, and the tensor layouts.
#include "engine/referring_preprocessing.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace refermap::engine {
namespace {

const std::vector<double> imagenetMean {0.485, 0.456, 0.406};
const std::vector<double> imagenetStd {0.229, 0.224, 0.225};

float normalized(int value, int channel)
{
    return (static_cast<float>(value) / 255.0f - static_cast<float>(imagenetMean[channel]))
        / static_cast<float>(imagenetStd[channel]);
}

TEST(ReferringPreprocessing, NormalizesIntoPlanarChannels)
{
    RgbImage image {2, 1, {10, 20, 30, 200, 150, 100}}; // two pixels, interleaved RGB
    const torch::Tensor tensor = normalizeImage(image, 2, imagenetMean, imagenetStd).contiguous();
    // A 2×1 image resized to 2×2 repeats its row: with height 1, every output row samples row 0.
    ASSERT_EQ(tensor.sizes(), (std::vector<std::int64_t> {3, 2, 2}));
    EXPECT_EQ(tensor.scalar_type(), torch::kFloat32);
    const auto values = tensor.accessor<float, 3>();
    for (int y = 0; y < 2; ++y) {
        for (int c = 0; c < 3; ++c) {
            EXPECT_FLOAT_EQ(values[c][y][0], normalized(image.pixels[c], c));
            EXPECT_FLOAT_EQ(values[c][y][1], normalized(image.pixels[3 + c], c));
        }
    }
}

TEST(ReferringPreprocessing, BilinearUsesHalfPixelCentres)
{
    // 2×2 image, columns 0 and 255 in every channel; to 4×4: source x = (dst + 0.5) / 2 - 0.5 =
    // -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1) → 0, 63.75, 191.25, 255 → 0, 64, 191, 255.
    RgbImage image {2, 2, {0, 0, 0, 255, 255, 255, 0, 0, 0, 255, 255, 255}};
    const torch::Tensor tensor = normalizeImage(image, 4, imagenetMean, imagenetStd);
    const auto values = tensor.accessor<float, 3>();
    const int expected[4] = {0, 64, 191, 255};
    for (int c = 0; c < 3; ++c)
        for (int y = 0; y < 4; ++y)
            for (int x = 0; x < 4; ++x)
                EXPECT_FLOAT_EQ(values[c][y][x], normalized(expected[x], c)) << c << " " << y << " " << x;
}

TEST(ReferringPreprocessing, ChannelOrderIsRgb)
{
    RgbImage image {1, 1, {255, 0, 0}};
    const torch::Tensor tensor = normalizeImage(image, 3, {0.0, 0.0, 0.0}, {1.0, 1.0, 1.0});
    EXPECT_FLOAT_EQ(tensor[0].min().item<float>(), 1.0f);
    EXPECT_FLOAT_EQ(tensor[1].max().item<float>(), 0.0f);
    EXPECT_FLOAT_EQ(tensor[2].max().item<float>(), 0.0f);
}

TEST(ReferringPreprocessing, NearestTakesFloorOfScaledIndex)
{
    // 4×4 → 2×2 picks source rows/columns floor(dst × 2) = 0 and 2.
    BinaryMask mask {4, 4,
        {1, 0, 0, 0, //
            0, 0, 0, 0, //
            0, 0, 1, 1, //
            0, 0, 0, 0}};
    const torch::Tensor small = resizeMaskNearest(mask, 2);
    ASSERT_EQ(small.sizes(), (std::vector<std::int64_t> {2, 2}));
    EXPECT_EQ(small.scalar_type(), torch::kInt64);
    EXPECT_TRUE(torch::equal(small, torch::tensor({1, 0, 0, 1}, torch::kInt64).reshape({2, 2})));

    // 2×2 → 4×4 repeats each pixel twice in each direction.
    BinaryMask tiny {2, 2, {1, 0, 0, 1}};
    const torch::Tensor large = resizeMaskNearest(tiny, 4);
    const auto expected
        = torch::tensor({1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1}, torch::kInt64).reshape({4, 4});
    EXPECT_TRUE(torch::equal(large, expected));
}

TEST(ReferringPreprocessing, BadInputsThrow)
{
    EXPECT_THROW(normalizeImage(RgbImage {}, 4, imagenetMean, imagenetStd), std::invalid_argument);
    EXPECT_THROW(normalizeImage(RgbImage {1, 1, {1, 2}}, 4, imagenetMean, imagenetStd), std::invalid_argument);
    EXPECT_THROW(normalizeImage(RgbImage {1, 1, {1, 2, 3}}, 0, imagenetMean, imagenetStd), std::invalid_argument);
    EXPECT_THROW(normalizeImage(RgbImage {1, 1, {1, 2, 3}}, 4, {0.5}, imagenetStd), std::invalid_argument);
    EXPECT_THROW(normalizeImage(RgbImage {1, 1, {1, 2, 3}}, 4, imagenetMean, {1.0, 0.0, 1.0}), std::invalid_argument);
    EXPECT_THROW(resizeMaskNearest(BinaryMask {2, 2, {1}}, 4), std::invalid_argument);
    EXPECT_THROW(resizeMaskNearest(BinaryMask {2, 2, {1, 0, 0, 1}}, -1), std::invalid_argument);
}

} // namespace
} // namespace refermap::engine
