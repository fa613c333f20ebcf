#pragma once

#include "engine/referring_dataset.h"

#include <ATen/core/Tensor.h> // at::Tensor is torch::Tensor; torch/torch.h stays out of headers

#include <vector>

namespace refermap::engine {

// The reference models' input preprocessing (MODEL.md §7), one implementation for training,
// evaluation and the dataset side of parity checks. CPU tensors; any thread.

// (3, size, size) float32: the image resized to size × size with OpenCV's bilinear interpolation
// (cv::resize INTER_LINEAR, aspect ratio not kept, as the references' Resize), then /255, minus
// mean[c], divided by std[c]. Preconditions (std::invalid_argument otherwise): a non-empty image
// whose pixel buffer is width × height × 3, size > 0, mean and std of 3 values, std non-zero.
at::Tensor normalizeImage(
    const RgbImage& image, int size, const std::vector<double>& mean, const std::vector<double>& std);

// (size, size) int64 of 0/1: the mask resized with nearest-neighbour interpolation (cv::INTER_NEAREST).
// Preconditions (std::invalid_argument otherwise): a non-empty mask of width × height pixels, size > 0.
at::Tensor resizeMaskNearest(const BinaryMask& mask, int size);

} // namespace refermap::engine
