#pragma once

#include "model/btddnet_config.h"
#include "model/cross_attention.h"

#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <utility>
#include <vector>

namespace refermap::model {

// The learnable Fg-Bg predictor of the Target-Background Twin-Stream decoder (MODEL.md §3).
// V_pred = up2(V* level 2) + 1x1 conv(F_1); z_fg = <V_pred, q_fg>/sqrt(D) with q_fg = MLP(masked
// mean of L*); z_bg = max over the background tokens (which attend to the masked text) of
// <V_pred, token>/sqrt(D). Output logits [z_bg, z_fg] at the first stage's resolution.
class TwinStreamPredictorImpl : public torch::nn::Module {
public:
    explicit TwinStreamPredictorImpl(const BtddnetConfig& config);

    // visual: V* (B, S, D) with `levelSizes`; text: L* (B, N, D); stage1: F_1 (B, C_1, H_1, W_1);
    // maskedText: L_m (B, N, hidden); mask: (B, N). Returns (B, 2, H_1, W_1).
    torch::Tensor forward(const torch::Tensor& visual, const std::vector<std::pair<int64_t, int64_t>>& levelSizes,
                          const torch::Tensor& text, const torch::Tensor& stage1, const torch::Tensor& maskedText,
                          const torch::Tensor& mask);

    torch::nn::Conv2d stage1_projection{nullptr};
    torch::nn::Linear foreground_fc1{nullptr};
    torch::nn::Linear foreground_fc2{nullptr};
    torch::Tensor background_tokens; // (T, D)
    torch::nn::Linear masked_text_projection{nullptr};
    CrossAttentionLayer background_attention{nullptr};

private:
    int dim_;
};
TORCH_MODULE(TwinStreamPredictor);

// The Joint Rephrase module (paper Eq. 12): V* first gathers from L*, then the masked text's
// tokens query that fusion; a linear map returns to the text width, to be compared with the
// stop-gradient text features (the rephrase loss).
class JointRephraseImpl : public torch::nn::Module {
public:
    explicit JointRephraseImpl(const BtddnetConfig& config);

    // visual: V* (B, S, D); text: L* (B, N, D); maskedText: L_m (B, N, hidden); mask (B, N).
    // Returns (B, N, hidden).
    torch::Tensor forward(const torch::Tensor& visual, const torch::Tensor& text, const torch::Tensor& maskedText,
                          const torch::Tensor& mask);

    CrossAttentionLayer visual_text_attention{nullptr};
    torch::nn::Linear masked_text_projection{nullptr};
    CrossAttentionLayer text_visual_attention{nullptr};
    torch::nn::Linear output{nullptr};
};
TORCH_MODULE(JointRephrase);

} // namespace refermap::model
