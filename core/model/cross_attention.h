#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

namespace refermap::model {

// Multi-head attention of queries over separate keys/values, batch first: (B, Lq, D) over
// (B, Lk, D). `keyMask` (B, Lk) of 1 = attend, 0 = ignore (e.g. padding tokens), or undefined.
class MultiHeadAttentionImpl : public torch::nn::Module {
public:
    MultiHeadAttentionImpl(int dim, int heads);
    torch::Tensor forward(const torch::Tensor& query, const torch::Tensor& key, const torch::Tensor& value,
                          const torch::Tensor& keyMask = {});

    torch::nn::Linear query_proj{nullptr};
    torch::nn::Linear key_proj{nullptr};
    torch::nn::Linear value_proj{nullptr};
    torch::nn::Linear out_proj{nullptr};

private:
    int heads_;
};
TORCH_MODULE(MultiHeadAttention);

// A post-LN cross-attention layer: x = LN(x + Attn(x + pos, memory + memoryPos, memory));
// x = LN(x + FFN(x)), FFN = Linear(D, 4D) -> GELU -> Linear(4D, D).
class CrossAttentionLayerImpl : public torch::nn::Module {
public:
    CrossAttentionLayerImpl(int dim, int heads);
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& memory, const torch::Tensor& memoryMask = {},
                          const torch::Tensor& position = {}, const torch::Tensor& memoryPosition = {});

    MultiHeadAttention attention{nullptr};
    torch::nn::LayerNorm norm1{nullptr};
    torch::nn::Linear fc1{nullptr};
    torch::nn::Linear fc2{nullptr};
    torch::nn::LayerNorm norm2{nullptr};
};
TORCH_MODULE(CrossAttentionLayer);

} // namespace refermap::model
