#pragma once

#include "model/btddnet_config.h"

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>

#include <utility>

namespace refermap::model {

// Instance normalisation over the last dimension(s) of (B, C, ...) with optional affine
// parameters `weight`/`bias`, and an optional (B, L) mask for sequences: statistics then use the
// valid positions only. Works for a single spatial element too (output = bias).
class InstanceNormImpl : public torch::nn::Module {
public:
    InstanceNormImpl(int channels, bool affine, double eps = 1e-5);
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& mask = {});

    torch::Tensor weight; // (C,), undefined without affine
    torch::Tensor bias;

private:
    double eps_;
};
TORCH_MODULE(InstanceNorm);

// Bidirectional Spatial Correlation (paper Eq. 1–4, MODEL.md §1) at one stage. The vision side
// correlates every pixel's k x k neighbourhood (k in bsc_vision_kernels) with the tokens, the text
// side every token's k-token window (k in bsc_text_kernels) with the pixels; affinities are mixed by
// softmax(alpha) / softmax(beta) and the messages enter through tanh gates whose InstanceNorm
// scale starts at zero, so a new BSC is the identity. Padding tokens are never attended to and
// are returned unchanged.
class BidirectionalSpatialCorrelationImpl : public torch::nn::Module {
public:
    BidirectionalSpatialCorrelationImpl(const BtddnetConfig& config, int stage);

    // vision: (B, H, W, C) channels-last (Swin layout); text: (B, N, hidden); mask: (B, N) of 0/1.
    // Returns (V'_i, L'_i) with the same shapes.
    std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor& vision, const torch::Tensor& text,
                                                    const torch::Tensor& mask);

    // Vision side.
    torch::nn::Conv2d vision_query{nullptr};
    InstanceNorm vision_query_norm{nullptr};
    torch::nn::ModuleList vision_windows{nullptr};
    torch::nn::Conv1d text_keys{nullptr};
    torch::nn::Conv1d text_values{nullptr};
    torch::Tensor alpha;
    torch::nn::Conv2d vision_gate{nullptr};
    InstanceNorm vision_gate_norm{nullptr};
    // Text side.
    torch::nn::ModuleList text_windows{nullptr};
    torch::nn::Conv1d visual_keys{nullptr};
    InstanceNorm visual_keys_norm{nullptr};
    torch::nn::Conv1d visual_values{nullptr};
    torch::Tensor beta;
    torch::nn::Conv1d text_gate{nullptr};
    InstanceNorm text_gate_norm{nullptr};

private:
    std::vector<int> textKernels_;
};
TORCH_MODULE(BidirectionalSpatialCorrelation);

} // namespace refermap::model
