#include "engine/referring_preprocessing.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <torch/torch.h>

#include <stdexcept>
#include <string>

namespace refermap::engine {

torch::Tensor normalizeImage(
    const RgbImage& image, int size, const std::vector<double>& mean, const std::vector<double>& std)
{
    if (image.width <= 0 || image.height <= 0
        || image.pixels.size() != static_cast<std::size_t>(image.width) * static_cast<std::size_t>(image.height) * 3)
        throw std::invalid_argument("normalizeImage: the image is empty or its buffer is not width × height × 3");
    if (size <= 0)
        throw std::invalid_argument("normalizeImage: size must be positive, got " + std::to_string(size));
    if (mean.size() != 3 || std.size() != 3 || std[0] == 0.0 || std[1] == 0.0 || std[2] == 0.0)
        throw std::invalid_argument("normalizeImage: mean and std need 3 values each, std non-zero");

    // cv::Mat over the caller's bytes (no copy); resize writes a new buffer.
    const cv::Mat source(image.height, image.width, CV_8UC3, const_cast<std::uint8_t*>(image.pixels.data()));
    cv::Mat resized;
    cv::resize(source, resized, cv::Size(size, size), 0.0, 0.0, cv::INTER_LINEAR);

    torch::Tensor result = torch::empty({3, size, size}, torch::kFloat32);
    float* out = result.data_ptr<float>();
    const std::size_t plane = static_cast<std::size_t>(size) * static_cast<std::size_t>(size);
    for (int c = 0; c < 3; ++c) {
        // Computed in float32 as torchvision's ToTensor + Normalize do: (x / 255 - mean) / std.
        const auto m = static_cast<float>(mean[static_cast<std::size_t>(c)]);
        const auto s = static_cast<float>(std[static_cast<std::size_t>(c)]);
        float* channel = out + static_cast<std::size_t>(c) * plane;
        for (int y = 0; y < size; ++y) {
            const std::uint8_t* row = resized.ptr<std::uint8_t>(y);
            for (int x = 0; x < size; ++x)
                channel[static_cast<std::size_t>(y) * static_cast<std::size_t>(size) + static_cast<std::size_t>(x)]
                    = (static_cast<float>(row[x * 3 + c]) / 255.0f - m) / s;
        }
    }
    return result;
}

torch::Tensor resizeMaskNearest(const BinaryMask& mask, int size)
{
    if (mask.width <= 0 || mask.height <= 0
        || mask.pixels.size() != static_cast<std::size_t>(mask.width) * static_cast<std::size_t>(mask.height))
        throw std::invalid_argument("resizeMaskNearest: the mask is empty or its buffer is not width × height");
    if (size <= 0)
        throw std::invalid_argument("resizeMaskNearest: size must be positive, got " + std::to_string(size));
    const cv::Mat source(mask.height, mask.width, CV_8UC1, const_cast<std::uint8_t*>(mask.pixels.data()));
    cv::Mat resized;
    cv::resize(source, resized, cv::Size(size, size), 0.0, 0.0, cv::INTER_NEAREST);
    torch::Tensor result = torch::empty({size, size}, torch::kInt64);
    auto* out = result.data_ptr<std::int64_t>();
    for (int y = 0; y < size; ++y) {
        const std::uint8_t* row = resized.ptr<std::uint8_t>(y);
        for (int x = 0; x < size; ++x)
            out[static_cast<std::size_t>(y) * static_cast<std::size_t>(size) + static_cast<std::size_t>(x)]
                = row[x] != 0 ? 1 : 0;
    }
    return result;
}

} // namespace refermap::engine
