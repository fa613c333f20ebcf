#include "model/twin_stream_predictor.h"

#include <torch/nn/functional.h>
#include <torch/torch.h>

#include <cmath>

namespace refermap::model {

namespace F = torch::nn::functional;

TwinStreamPredictorImpl::TwinStreamPredictorImpl(const BtddnetConfig& config)
    : dim_(config.decoderDim)
{
    stage1_projection = register_module(
        "stage1_projection", torch::nn::Conv2d(torch::nn::Conv2dOptions(config.swin.stageChannels(0), dim_, 1)));
    foreground_fc1 = register_module("foreground_fc1", torch::nn::Linear(dim_, dim_));
    foreground_fc2 = register_module("foreground_fc2", torch::nn::Linear(dim_, dim_));
    background_tokens = register_parameter("background_tokens", torch::zeros({config.backgroundTokens, dim_}));
    masked_text_projection = register_module("masked_text_projection", torch::nn::Linear(config.bert.hidden, dim_));
    background_attention = register_module("background_attention", CrossAttentionLayer(dim_, config.mciHeads));
    torch::NoGradGuard noGrad;
    background_tokens.normal_(0.0, 0.02);
}

torch::Tensor TwinStreamPredictorImpl::forward(const torch::Tensor& visual,
                                               const std::vector<std::pair<int64_t, int64_t>>& levelSizes,
                                               const torch::Tensor& text, const torch::Tensor& stage1,
                                               const torch::Tensor& maskedText, const torch::Tensor& mask)
{
    const int64_t batch = visual.size(0);
    const auto [height2, width2] = levelSizes.front();
    const int64_t height1 = stage1.size(2);
    const int64_t width1 = stage1.size(3);

    auto level2 = visual.slice(1, 0, height2 * width2).transpose(1, 2).reshape({batch, dim_, height2, width2});
    auto upsampled = F::interpolate(level2, F::InterpolateFuncOptions()
                                                .size(std::vector<int64_t>{height1, width1})
                                                .mode(torch::kBilinear)
                                                .align_corners(false));
    const auto prediction = upsampled + stage1_projection(stage1); // B, D, H1, W1
    const double scale = 1.0 / std::sqrt(static_cast<double>(dim_));

    const auto valid = mask.to(text.dtype()).unsqueeze(-1); // B, N, 1
    const auto pooled = (text * valid).sum(1) / valid.sum(1).clamp_min(1.0);
    const auto foregroundQuery = foreground_fc2(torch::relu(foreground_fc1(pooled))); // B, D
    const auto foreground = torch::einsum("bdhw,bd->bhw", {prediction, foregroundQuery}) * scale;

    const auto tokens = background_tokens.unsqueeze(0).expand({batch, -1, -1}).contiguous();
    const auto backgroundQueries = background_attention(tokens, masked_text_projection(maskedText), mask); // B, T, D
    const auto background
        = std::get<0>(torch::einsum("bdhw,btd->bthw", {prediction, backgroundQueries}).max(1)) * scale;
    return torch::stack({background, foreground}, 1);
}

JointRephraseImpl::JointRephraseImpl(const BtddnetConfig& config)
{
    visual_text_attention
        = register_module("visual_text_attention", CrossAttentionLayer(config.decoderDim, config.mciHeads));
    masked_text_projection
        = register_module("masked_text_projection", torch::nn::Linear(config.bert.hidden, config.decoderDim));
    text_visual_attention
        = register_module("text_visual_attention", CrossAttentionLayer(config.decoderDim, config.mciHeads));
    output = register_module("output", torch::nn::Linear(config.decoderDim, config.bert.hidden));
}

torch::Tensor JointRephraseImpl::forward(const torch::Tensor& visual, const torch::Tensor& text,
                                         const torch::Tensor& maskedText, const torch::Tensor& mask)
{
    const auto fused = visual_text_attention(visual, text, mask);
    const auto rephrased = text_visual_attention(masked_text_projection(maskedText), fused);
    return output(rephrased);
}

} // namespace refermap::model
