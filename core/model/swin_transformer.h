#pragma once

#include "model/btddnet_config.h"

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include <array>

namespace refermap::model {

// Window multi-head self-attention with a relative position bias (Swin v1). Parameters use timm's
// names: qkv, proj, relative_position_bias_table. The relative position index is recomputed, not
// stored. Input: (windows, window*window, C).
class WindowAttentionImpl : public torch::nn::Module {
public:
    WindowAttentionImpl(int channels, int heads, int window);
    // `mask`: (windows, N, N) additive mask or undefined.
    torch::Tensor forward(const torch::Tensor& windows, const torch::Tensor& mask);

    torch::nn::Linear qkv{nullptr};
    torch::nn::Linear proj{nullptr};
    torch::Tensor relative_position_bias_table; // ((2w-1)^2, heads)

private:
    int heads_;
    int window_;
    torch::Tensor relativePositionIndex_; // (w*w*w*w,), not a parameter
};
TORCH_MODULE(WindowAttention);

// The MLP of a block: fc1 -> exact GELU -> fc2 (timm's names).
class SwinMlpImpl : public torch::nn::Module {
public:
    SwinMlpImpl(int channels, int hidden);
    torch::Tensor forward(const torch::Tensor& x);

    torch::nn::Linear fc1{nullptr};
    torch::nn::Linear fc2{nullptr};
};
TORCH_MODULE(SwinMlp);

// One Swin block on (B, H, W, C): pre-LN window attention (shifted by window/2 on odd blocks) and
// MLP, both residual with stochastic depth in training. Features whose size is not a multiple of
// the window are padded right/bottom with zeros after norm1 and cropped back, as Swin's
// segmentation version (and torchvision) do; shifted windows mask cross-region attention with -100.
class SwinBlockImpl : public torch::nn::Module {
public:
    SwinBlockImpl(int channels, int heads, int window, bool shifted, double mlpRatio, double dropPath,
                  double layerNormEps);
    torch::Tensor forward(const torch::Tensor& x);

    torch::nn::LayerNorm norm1{nullptr};
    WindowAttention attn{nullptr};
    torch::nn::LayerNorm norm2{nullptr};
    SwinMlp mlp{nullptr};

private:
    torch::Tensor dropPath(const torch::Tensor& x) const;

    int window_;
    bool shifted_;
    double dropPath_;
    // The shifted-window mask depends only on the padded size: built once per size and device.
    torch::Tensor cachedMask_;
    std::array<int64_t, 2> cachedMaskSize_{0, 0};
};
TORCH_MODULE(SwinBlock);

// 2x2 patch merging at the start of a stage (timm >= 0.9 layout): concatenates the sub-grid
// [0::2,0::2], [1::2,0::2], [0::2,1::2], [1::2,1::2] (odd sizes padded), LayerNorm, Linear 4C -> 2C.
class PatchMergingImpl : public torch::nn::Module {
public:
    PatchMergingImpl(int channels, double layerNormEps);
    torch::Tensor forward(const torch::Tensor& x);

    torch::nn::LayerNorm norm{nullptr};
    torch::nn::Linear reduction{nullptr};
};
TORCH_MODULE(PatchMerging);

// Patch embedding: a patch x patch convolution with stride patch, then LayerNorm; images whose
// size is not a multiple of the patch are padded right/bottom with zeros. Output (B, H/4, W/4, C).
class PatchEmbedImpl : public torch::nn::Module {
public:
    PatchEmbedImpl(int inChannels, int channels, int patch, double layerNormEps);
    torch::Tensor forward(const torch::Tensor& image);

    torch::nn::Conv2d proj{nullptr};
    torch::nn::LayerNorm norm{nullptr};

private:
    int patch_;
};
TORCH_MODULE(PatchEmbed);

// One stage: optional downsample (stages 1..) then the blocks.
class SwinStageImpl : public torch::nn::Module {
public:
    SwinStageImpl(const SwinConfig& config, int stage, int firstBlockIndex, int totalBlocks);
    torch::Tensor forward(torch::Tensor x);

    PatchMerging downsample{nullptr};
    torch::nn::ModuleList blocks{nullptr};
};
TORCH_MODULE(SwinStage);

// The Swin Transformer backbone with timm's parameter names (patch_embed.*, layers.{s}.*), run
// stage by stage so other modules can act between stages. No classification head or final norm.
class SwinTransformerImpl : public torch::nn::Module {
public:
    explicit SwinTransformerImpl(const SwinConfig& config);

    // (B, C, H, W) image -> (B, H/4, W/4, C0) tokens.
    torch::Tensor embed(const torch::Tensor& image);
    // Runs stage `stage` on the previous stage's output (or the embedding for stage 0).
    torch::Tensor forwardStage(int stage, const torch::Tensor& x);
    int stageCount() const { return static_cast<int>(layers->size()); }

    PatchEmbed patch_embed{nullptr};
    torch::nn::ModuleList layers{nullptr};
};
TORCH_MODULE(SwinTransformer);

} // namespace refermap::model
