#include "model/cross_attention.h"

#include <torch/nn/functional.h>
#include <torch/torch.h>

#include <cmath>

namespace refermap::model {

MultiHeadAttentionImpl::MultiHeadAttentionImpl(int dim, int heads)
    : heads_(heads)
{
    query_proj = register_module("query_proj", torch::nn::Linear(dim, dim));
    key_proj = register_module("key_proj", torch::nn::Linear(dim, dim));
    value_proj = register_module("value_proj", torch::nn::Linear(dim, dim));
    out_proj = register_module("out_proj", torch::nn::Linear(dim, dim));
}

torch::Tensor MultiHeadAttentionImpl::forward(const torch::Tensor& query, const torch::Tensor& key,
                                              const torch::Tensor& value, const torch::Tensor& keyMask)
{
    const int64_t batch = query.size(0);
    const int64_t dim = query.size(2);
    const int64_t headDim = dim / heads_;
    auto split = [&](const torch::Tensor& t) { return t.view({batch, t.size(1), heads_, headDim}).transpose(1, 2); };
    auto q = split(query_proj(query));
    auto k = split(key_proj(key));
    auto v = split(value_proj(value));
    auto scores = torch::matmul(q, k.transpose(-1, -2)) / std::sqrt(static_cast<double>(headDim));
    if (keyMask.defined())
        scores = scores + ((1.0 - keyMask.to(scores.dtype())) * -1e4).view({batch, 1, 1, key.size(1)});
    auto out = torch::matmul(torch::softmax(scores, -1), v).transpose(1, 2).reshape({batch, query.size(1), dim});
    return out_proj(out);
}

CrossAttentionLayerImpl::CrossAttentionLayerImpl(int dim, int heads)
{
    attention = register_module("attention", MultiHeadAttention(dim, heads));
    norm1 = register_module("norm1", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim})));
    fc1 = register_module("fc1", torch::nn::Linear(dim, 4 * dim));
    fc2 = register_module("fc2", torch::nn::Linear(4 * dim, dim));
    norm2 = register_module("norm2", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim})));
}

torch::Tensor CrossAttentionLayerImpl::forward(const torch::Tensor& x, const torch::Tensor& memory,
                                               const torch::Tensor& memoryMask, const torch::Tensor& position,
                                               const torch::Tensor& memoryPosition)
{
    const auto query = position.defined() ? x + position : x;
    const auto key = memoryPosition.defined() ? memory + memoryPosition : memory;
    auto y = norm1(x + attention(query, key, memory, memoryMask));
    return norm2(y + fc2(torch::nn::functional::gelu(fc1(y))));
}

} // namespace refermap::model
