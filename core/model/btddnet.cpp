#include "model/btddnet.h"

#include <torch/nn/functional.h>
#include <torch/torch.h>

namespace refermap::model {

namespace F = torch::nn::functional;

BtddnetImpl::BtddnetImpl(const BtddnetConfig& config)
    : config_(config)
{
    config.validate().value(); // a bad configuration is a programming error here: callers validate first
    swin = register_module("swin", SwinTransformer(config.swin));
    bert = register_module("bert", BertModel(config.bert));
    bsc = register_module("bsc", torch::nn::ModuleList());
    feature_norms = register_module("feature_norms", torch::nn::ModuleList());
    for (int stage = 0; stage < config.stages; ++stage) {
        bsc->push_back(BidirectionalSpatialCorrelation(config, stage));
        feature_norms->push_back(torch::nn::LayerNorm(
            torch::nn::LayerNormOptions({config.swin.stageChannels(stage)}).eps(config.swin.layerNormEps)));
    }
    mci = register_module("mci", MultiscaleContextInteraction(config));
    predictor = register_module("predictor", TwinStreamPredictor(config));
    rephrase = register_module("rephrase", JointRephrase(config));
}

BtddnetOutput BtddnetImpl::forward(const torch::Tensor& image, const torch::Tensor& ids,
                                   const torch::Tensor& attentionMask, const torch::Tensor& maskedIds,
                                   bool withRephrase)
{
    const int layersPerStage = config_.bertLayersPerStage();
    auto vision = swin->embed(image);
    auto text = bert->embed(ids);
    const auto embeddings = text;
    const auto additive = BertModel::Impl::additiveMask(attentionMask, text.scalar_type());

    std::vector<torch::Tensor> features;
    for (int stage = 0; stage < config_.stages; ++stage) {
        vision = swin->forwardStage(stage, vision);
        text = bert->forwardLayers(stage * layersPerStage, (stage + 1) * layersPerStage, text, additive);
        std::tie(vision, text) = bsc[static_cast<std::size_t>(stage)]->as<BidirectionalSpatialCorrelation>()->forward(
            vision, text, attentionMask);
        const auto normalised = feature_norms[static_cast<std::size_t>(stage)]->as<torch::nn::LayerNorm>()->forward(vision);
        features.push_back(normalised.permute({0, 3, 1, 2}).contiguous()); // B, C, H, W
    }
    const auto maskedText = bert->forward(maskedIds, attentionMask);

    const auto context = mci(features, text, attentionMask);
    auto logits = predictor(context.visual, context.levelSizes, context.text, features.front(), maskedText,
                            attentionMask);
    BtddnetOutput output;
    output.logits = F::interpolate(logits, F::InterpolateFuncOptions()
                                               .size(std::vector<int64_t>{image.size(2), image.size(3)})
                                               .mode(torch::kBilinear)
                                               .align_corners(false));
    if (withRephrase) {
        output.rephrased = rephrase(context.visual, context.text, maskedText, attentionMask);
        output.rephraseTarget = (config_.rephraseTarget == "embeddings" ? embeddings : text).detach();
    }
    return output;
}

torch::Tensor BtddnetImpl::foregroundProbability(const torch::Tensor& logits)
{
    return torch::softmax(logits, 1).select(1, 1);
}

} // namespace refermap::model
