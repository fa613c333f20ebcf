#pragma once

#include "model/btddnet_config.h"

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

namespace refermap::model {

// HuggingFace BertModel's modules and parameter names, so bert-base-uncased imports by name.

class BertEmbeddingsImpl : public torch::nn::Module {
public:
    explicit BertEmbeddingsImpl(const BertConfig& config);
    // ids: (B, N) int64 -> (B, N, hidden); token type 0, positions 0..N-1.
    torch::Tensor forward(const torch::Tensor& ids);

    torch::nn::Embedding word_embeddings{nullptr};
    torch::nn::Embedding position_embeddings{nullptr};
    torch::nn::Embedding token_type_embeddings{nullptr};
    torch::nn::LayerNorm LayerNorm{nullptr}; // NOLINT(readability-identifier-naming): HuggingFace's name
    torch::nn::Dropout dropout{nullptr};
};
TORCH_MODULE(BertEmbeddings);

class BertSelfAttentionImpl : public torch::nn::Module {
public:
    explicit BertSelfAttentionImpl(const BertConfig& config);
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& additiveMask);

    torch::nn::Linear query{nullptr};
    torch::nn::Linear key{nullptr};
    torch::nn::Linear value{nullptr};
    torch::nn::Dropout dropout{nullptr};

private:
    int heads_;
};
TORCH_MODULE(BertSelfAttention);

// dense -> dropout -> LayerNorm(x + residual): BertSelfOutput and BertOutput share this shape.
class BertResidualOutputImpl : public torch::nn::Module {
public:
    BertResidualOutputImpl(int in, int out, const BertConfig& config);
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& residual);

    torch::nn::Linear dense{nullptr};
    torch::nn::LayerNorm LayerNorm{nullptr}; // NOLINT(readability-identifier-naming)
    torch::nn::Dropout dropout{nullptr};
};
TORCH_MODULE(BertResidualOutput);

class BertAttentionImpl : public torch::nn::Module {
public:
    explicit BertAttentionImpl(const BertConfig& config);
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& additiveMask);

    BertSelfAttention self{nullptr};
    BertResidualOutput output{nullptr};
};
TORCH_MODULE(BertAttention);

class BertIntermediateImpl : public torch::nn::Module {
public:
    explicit BertIntermediateImpl(const BertConfig& config);
    torch::Tensor forward(const torch::Tensor& x);

    torch::nn::Linear dense{nullptr};
};
TORCH_MODULE(BertIntermediate);

// One post-LN transformer layer: attention, then the GELU feed-forward.
class BertLayerImpl : public torch::nn::Module {
public:
    explicit BertLayerImpl(const BertConfig& config);
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& additiveMask);

    BertAttention attention{nullptr};
    BertIntermediate intermediate{nullptr};
    BertResidualOutput output{nullptr};
};
TORCH_MODULE(BertLayer);

class BertEncoderImpl : public torch::nn::Module {
public:
    explicit BertEncoderImpl(const BertConfig& config);
    torch::nn::ModuleList layer{nullptr};
};
TORCH_MODULE(BertEncoder);

// BERT without pooler: embeddings + encoder.layer.{i}. Runs all layers or a range of them, so the
// BTDDNet stages can interleave it with the vision branch.
class BertModelImpl : public torch::nn::Module {
public:
    explicit BertModelImpl(const BertConfig& config);

    // (B, N) attention mask of 0/1 -> (B, 1, 1, N) additive mask (1 - m) * -10000.
    static torch::Tensor additiveMask(const torch::Tensor& attentionMask, torch::ScalarType dtype);

    torch::Tensor embed(const torch::Tensor& ids);
    // Layers [first, last) on hidden states x.
    torch::Tensor forwardLayers(int first, int last, torch::Tensor x, const torch::Tensor& additiveMask);
    // Embeddings + every layer.
    torch::Tensor forward(const torch::Tensor& ids, const torch::Tensor& attentionMask);

    BertEmbeddings embeddings{nullptr};
    BertEncoder encoder{nullptr};
};
TORCH_MODULE(BertModel);

} // namespace refermap::model
