#include "model/bidirectional_spatial_correlation.h"

#include <torch/nn/functional.h>
#include <torch/torch.h>

#include <cmath>

namespace refermap::model {

namespace F = torch::nn::functional;

InstanceNormImpl::InstanceNormImpl(int channels, bool affine, double eps)
    : eps_(eps)
{
    if (affine) {
        weight = register_parameter("weight", torch::ones({channels}));
        bias = register_parameter("bias", torch::zeros({channels}));
    }
}

torch::Tensor InstanceNormImpl::forward(const torch::Tensor& x, const torch::Tensor& mask)
{
    const auto flat = x.flatten(2); // B, C, L
    torch::Tensor mean;
    torch::Tensor variance;
    if (mask.defined()) {
        const auto m = mask.to(flat.dtype()).unsqueeze(1); // B, 1, L
        const auto count = m.sum(-1, /*keepdim=*/true).clamp_min(1.0);
        mean = (flat * m).sum(-1, true) / count;
        variance = ((flat - mean).pow(2) * m).sum(-1, true) / count;
    } else {
        mean = flat.mean(-1, true);
        variance = flat.var(-1, /*unbiased=*/false, /*keepdim=*/true);
    }
    auto y = ((flat - mean) / torch::sqrt(variance + eps_));
    if (weight.defined())
        y = y * weight.view({1, -1, 1}) + bias.view({1, -1, 1});
    return y.view(x.sizes());
}

BidirectionalSpatialCorrelationImpl::BidirectionalSpatialCorrelationImpl(const BtddnetConfig& config, int stage)
    : textKernels_(config.bscTextKernels)
{
    const int channels = config.swin.stageChannels(stage);
    const int hidden = config.bert.hidden;
    const bool depthwise = config.bscNeighbourhood == "depthwise";

    vision_query = register_module("vision_query", torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, channels, 1)));
    vision_query_norm = register_module("vision_query_norm", InstanceNorm(channels, false));
    vision_windows = register_module("vision_windows", torch::nn::ModuleList());
    for (int k : config.bscVisionKernels) {
        auto options = torch::nn::Conv2dOptions(channels, channels, k).padding(k / 2).bias(false);
        if (depthwise)
            options.groups(channels);
        vision_windows->push_back(torch::nn::Conv2d(options));
    }
    text_keys = register_module("text_keys", torch::nn::Conv1d(torch::nn::Conv1dOptions(hidden, channels, 1)));
    text_values = register_module("text_values", torch::nn::Conv1d(torch::nn::Conv1dOptions(hidden, channels, 1)));
    alpha = register_parameter("alpha", torch::ones({static_cast<int64_t>(config.bscVisionKernels.size())}));
    vision_gate = register_module("vision_gate", torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, channels, 1)));
    vision_gate_norm = register_module("vision_gate_norm", InstanceNorm(channels, true));

    text_windows = register_module("text_windows", torch::nn::ModuleList());
    for (int k : config.bscTextKernels)
        text_windows->push_back(torch::nn::Conv1d(torch::nn::Conv1dOptions(hidden, hidden, k)));
    visual_keys = register_module("visual_keys", torch::nn::Conv1d(torch::nn::Conv1dOptions(channels, hidden, 1)));
    visual_keys_norm = register_module("visual_keys_norm", InstanceNorm(hidden, false));
    visual_values = register_module("visual_values", torch::nn::Conv1d(torch::nn::Conv1dOptions(channels, hidden, 1)));
    beta = register_parameter("beta", torch::ones({static_cast<int64_t>(config.bscTextKernels.size())}));
    text_gate = register_module("text_gate", torch::nn::Conv1d(torch::nn::Conv1dOptions(hidden, hidden, 1)));
    text_gate_norm = register_module("text_gate_norm", InstanceNorm(hidden, true));

    // Gates start closed: tanh(0 * normalised + 0) = 0, so V' = V and L' = L at step 0.
    torch::NoGradGuard noGrad;
    vision_gate_norm->weight.zero_();
    text_gate_norm->weight.zero_();
}

std::pair<torch::Tensor, torch::Tensor> BidirectionalSpatialCorrelationImpl::forward(const torch::Tensor& vision,
                                                                                     const torch::Tensor& text,
                                                                                     const torch::Tensor& mask)
{
    const int64_t batch = vision.size(0);
    const int64_t height = vision.size(1);
    const int64_t width = vision.size(2);
    const int64_t channels = vision.size(3);
    const int64_t hidden = text.size(2);

    const auto v = vision.permute({0, 3, 1, 2}).contiguous(); // B, C, H, W
    const auto vFlat = v.flatten(2);                          // B, C, HW
    const auto l = text.transpose(1, 2);                      // B, hidden, N
    const auto validTokens = mask.to(vision.dtype());         // B, N
    const auto tokenBias = ((1.0 - validTokens) * -1e4).unsqueeze(1); // B, 1, N

    // Vision side: pixels (through their neighbourhoods) attend to tokens.
    const auto query = vision_query_norm(vision_query(v));
    const auto keys = text_keys(l);     // B, C, N
    const auto values = text_values(l); // B, C, N
    const auto alphaWeights = torch::softmax(alpha, 0);
    torch::Tensor visionAffinity;
    for (std::size_t index = 0; index < vision_windows->size(); ++index) {
        const auto q = vision_windows[index]->as<torch::nn::Conv2d>()->forward(query).flatten(2); // B, C, HW
        auto affinity = torch::softmax(
            torch::matmul(q.transpose(1, 2), keys) / std::sqrt(static_cast<double>(channels)) + tokenBias, -1);
        affinity = affinity * alphaWeights[static_cast<int64_t>(index)];
        visionAffinity = visionAffinity.defined() ? visionAffinity + affinity : affinity;
    }
    const auto visionMessage = torch::matmul(visionAffinity, values.transpose(1, 2)) // B, HW, C
                                   .transpose(1, 2)
                                   .reshape({batch, channels, height, width});
    const auto visionGate = torch::tanh(vision_gate_norm(vision_gate(visionMessage)));
    const auto visionOut = (visionGate * v + v).permute({0, 2, 3, 1}).contiguous();

    // Text side: tokens (through their k-token windows) attend to pixels.
    const auto pixelKeys = visual_keys_norm(visual_keys(vFlat)); // B, hidden, HW
    const auto pixelValues = visual_values(vFlat);               // B, hidden, HW
    const auto betaWeights = torch::softmax(beta, 0);
    torch::Tensor textAffinity;
    for (std::size_t index = 0; index < text_windows->size(); ++index) {
        const int k = textKernels_[index];
        const int64_t left = (k - 1) / 2;
        const int64_t right = k - 1 - left;
        auto windowInput = l;
        if (k > 1)
            windowInput = F::pad(l, F::PadFuncOptions({left, right}).mode(torch::kReplicate));
        const auto q = text_windows[index]->as<torch::nn::Conv1d>()->forward(windowInput); // B, hidden, N
        auto affinity
            = torch::softmax(torch::matmul(q.transpose(1, 2), pixelKeys) / std::sqrt(static_cast<double>(hidden)), -1);
        affinity = affinity * betaWeights[static_cast<int64_t>(index)];
        textAffinity = textAffinity.defined() ? textAffinity + affinity : affinity;
    }
    const auto textMessage = torch::matmul(textAffinity, pixelValues.transpose(1, 2)); // B, N, hidden
    const auto textGate = torch::tanh(text_gate_norm(text_gate(textMessage.transpose(1, 2)), validTokens));
    const auto textOut = text + (textGate.transpose(1, 2) * text) * validTokens.unsqueeze(-1);
    return {visionOut, textOut};
}

} // namespace refermap::model
