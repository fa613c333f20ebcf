#include "model/bert_encoder.h"

#include <torch/nn/functional.h>
#include <torch/torch.h>

#include <cmath>

namespace refermap::model {

namespace F = torch::nn::functional;

namespace {

torch::nn::LayerNorm layerNorm(const BertConfig& config)
{
    return torch::nn::LayerNorm(torch::nn::LayerNormOptions({config.hidden}).eps(config.layerNormEps));
}

// HuggingFace's initialisation: normal(0, 0.02) weights, zero biases, unit LayerNorms.
void initialiseBert(torch::nn::Module& root)
{
    torch::NoGradGuard noGrad;
    for (auto& module : root.modules(/*include_self=*/false)) {
        if (auto* linear = module->as<torch::nn::Linear>()) {
            linear->weight.normal_(0.0, 0.02);
            if (linear->bias.defined())
                linear->bias.zero_();
        } else if (auto* embedding = module->as<torch::nn::Embedding>()) {
            embedding->weight.normal_(0.0, 0.02);
        }
    }
}

} // namespace

BertEmbeddingsImpl::BertEmbeddingsImpl(const BertConfig& config)
{
    word_embeddings = register_module("word_embeddings", torch::nn::Embedding(config.vocabularySize, config.hidden));
    position_embeddings = register_module("position_embeddings", torch::nn::Embedding(config.maxPositions, config.hidden));
    token_type_embeddings
        = register_module("token_type_embeddings", torch::nn::Embedding(config.typeVocabularySize, config.hidden));
    LayerNorm = register_module("LayerNorm", layerNorm(config));
    dropout = register_module("dropout", torch::nn::Dropout(config.hiddenDropout));
}

torch::Tensor BertEmbeddingsImpl::forward(const torch::Tensor& ids)
{
    const int64_t length = ids.size(1);
    auto positions = torch::arange(length, ids.options().dtype(torch::kLong)).unsqueeze(0);
    auto types = torch::zeros_like(positions);
    auto x = word_embeddings(ids) + position_embeddings(positions) + token_type_embeddings(types);
    return dropout(LayerNorm(x));
}

BertSelfAttentionImpl::BertSelfAttentionImpl(const BertConfig& config)
    : heads_(config.heads)
{
    query = register_module("query", torch::nn::Linear(config.hidden, config.hidden));
    key = register_module("key", torch::nn::Linear(config.hidden, config.hidden));
    value = register_module("value", torch::nn::Linear(config.hidden, config.hidden));
    dropout = register_module("dropout", torch::nn::Dropout(config.attentionDropout));
}

torch::Tensor BertSelfAttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& additiveMask)
{
    const int64_t batch = x.size(0);
    const int64_t length = x.size(1);
    const int64_t hidden = x.size(2);
    const int64_t headDim = hidden / heads_;
    auto split = [&](const torch::Tensor& t) { return t.view({batch, length, heads_, headDim}).transpose(1, 2); };
    auto q = split(query(x));
    auto k = split(key(x));
    auto v = split(value(x));
    auto scores = torch::matmul(q, k.transpose(-1, -2)) / std::sqrt(static_cast<double>(headDim));
    if (additiveMask.defined())
        scores = scores + additiveMask;
    auto probabilities = dropout(torch::softmax(scores, -1));
    return torch::matmul(probabilities, v).transpose(1, 2).reshape({batch, length, hidden});
}

BertResidualOutputImpl::BertResidualOutputImpl(int in, int out, const BertConfig& config)
{
    dense = register_module("dense", torch::nn::Linear(in, out));
    LayerNorm = register_module("LayerNorm", layerNorm(config));
    dropout = register_module("dropout", torch::nn::Dropout(config.hiddenDropout));
}

torch::Tensor BertResidualOutputImpl::forward(const torch::Tensor& x, const torch::Tensor& residual)
{
    return LayerNorm(dropout(dense(x)) + residual);
}

BertAttentionImpl::BertAttentionImpl(const BertConfig& config)
{
    self = register_module("self", BertSelfAttention(config));
    output = register_module("output", BertResidualOutput(config.hidden, config.hidden, config));
}

torch::Tensor BertAttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& additiveMask)
{
    return output(self(x, additiveMask), x);
}

BertIntermediateImpl::BertIntermediateImpl(const BertConfig& config)
{
    dense = register_module("dense", torch::nn::Linear(config.hidden, config.intermediate));
}

torch::Tensor BertIntermediateImpl::forward(const torch::Tensor& x)
{
    return F::gelu(dense(x));
}

BertLayerImpl::BertLayerImpl(const BertConfig& config)
{
    attention = register_module("attention", BertAttention(config));
    intermediate = register_module("intermediate", BertIntermediate(config));
    output = register_module("output", BertResidualOutput(config.intermediate, config.hidden, config));
}

torch::Tensor BertLayerImpl::forward(const torch::Tensor& x, const torch::Tensor& additiveMask)
{
    auto attended = attention(x, additiveMask);
    return output(intermediate(attended), attended);
}

BertEncoderImpl::BertEncoderImpl(const BertConfig& config)
{
    layer = register_module("layer", torch::nn::ModuleList());
    for (int index = 0; index < config.layers; ++index)
        layer->push_back(BertLayer(config));
}

BertModelImpl::BertModelImpl(const BertConfig& config)
{
    embeddings = register_module("embeddings", BertEmbeddings(config));
    encoder = register_module("encoder", BertEncoder(config));
    initialiseBert(*this);
}

torch::Tensor BertModelImpl::additiveMask(const torch::Tensor& attentionMask, torch::ScalarType dtype)
{
    return ((1.0 - attentionMask.to(dtype)) * -10000.0).unsqueeze(1).unsqueeze(1);
}

torch::Tensor BertModelImpl::embed(const torch::Tensor& ids)
{
    return embeddings(ids);
}

torch::Tensor BertModelImpl::forwardLayers(int first, int last, torch::Tensor x, const torch::Tensor& additiveMask)
{
    for (int index = first; index < last; ++index)
        x = encoder->layer[static_cast<std::size_t>(index)]->as<BertLayer>()->forward(x, additiveMask);
    return x;
}

torch::Tensor BertModelImpl::forward(const torch::Tensor& ids, const torch::Tensor& attentionMask)
{
    auto x = embed(ids);
    return forwardLayers(0, static_cast<int>(encoder->layer->size()), x, additiveMask(attentionMask, x.scalar_type()));
}

} // namespace refermap::model
