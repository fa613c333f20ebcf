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
    auto vision = swin->embed(image);
    const auto embeddings = bert->embed(ids);
    const auto additive = BertModel::Impl::additiveMask(attentionMask, embeddings.scalar_type());
    // The masked text runs after the stages, as it always has: with dropout on, the order of the
    // random draws is part of a training run's reproducibility.
    const Decoded decoded = decode(image, vision, embeddings, additive, attentionMask,
                                   [&] { return bert->forward(maskedIds, attentionMask); });
    BtddnetOutput output;
    output.logits = decoded.logits;
    if (withRephrase) {
        output.rephrased = rephrase(decoded.mciVisual, decoded.mciText, decoded.maskedText, attentionMask);
        output.rephraseTarget = (config_.rephraseTarget == "embeddings" ? embeddings : decoded.stagedText).detach();
    }
    return output;
}

BtddnetText BtddnetImpl::encodeText(const torch::Tensor& ids, const torch::Tensor& attentionMask,
                                    const torch::Tensor& maskedIds)
{
    BtddnetText text;
    text.attentionMask = attentionMask;
    text.embeddings = bert->embed(ids);
    text.additiveMask = BertModel::Impl::additiveMask(attentionMask, text.embeddings.scalar_type());
    text.maskedText = bert->forward(maskedIds, attentionMask);
    return text;
}

torch::Tensor BtddnetImpl::forward(const torch::Tensor& image, const BtddnetText& text)
{
    const int64_t batch = image.size(0);
    // A text of batch 1 is copied to the images' batch (contiguous: the attention reshapes it).
    const auto fit = [batch](const torch::Tensor& tensor) {
        if (tensor.size(0) == batch)
            return tensor;
        std::vector<int64_t> sizes(tensor.sizes().begin(), tensor.sizes().end());
        sizes[0] = batch;
        return tensor.expand(sizes).contiguous();
    };
    const auto attentionMask = fit(text.attentionMask);
    const auto maskedText = fit(text.maskedText);
    return decode(image, swin->embed(image), fit(text.embeddings), fit(text.additiveMask), attentionMask,
                  [&] { return maskedText; })
        .logits;
}

BtddnetImpl::Decoded BtddnetImpl::decode(const torch::Tensor& image, torch::Tensor vision, torch::Tensor text,
                                         const torch::Tensor& additive, const torch::Tensor& attentionMask,
                                         const std::function<torch::Tensor()>& maskedText)
{
    const int layersPerStage = config_.bertLayersPerStage();
    std::vector<torch::Tensor> features;
    for (int stage = 0; stage < config_.stages; ++stage) {
        vision = swin->forwardStage(stage, vision);
        text = bert->forwardLayers(stage * layersPerStage, (stage + 1) * layersPerStage, text, additive);
        std::tie(vision, text) = bsc[static_cast<std::size_t>(stage)]->as<BidirectionalSpatialCorrelation>()->forward(
            vision, text, attentionMask);
        const auto normalised = feature_norms[static_cast<std::size_t>(stage)]->as<torch::nn::LayerNorm>()->forward(vision);
        features.push_back(normalised.permute({0, 3, 1, 2}).contiguous()); // B, C, H, W
    }
    Decoded decoded;
    decoded.stagedText = text;
    decoded.maskedText = maskedText();

    const auto context = mci(features, text, attentionMask);
    const auto logits = predictor(context.visual, context.levelSizes, context.text, features.front(),
                                  decoded.maskedText, attentionMask);
    decoded.logits = F::interpolate(logits, F::InterpolateFuncOptions()
                                                .size(std::vector<int64_t>{image.size(2), image.size(3)})
                                                .mode(torch::kBilinear)
                                                .align_corners(false));
    decoded.mciVisual = context.visual;
    decoded.mciText = context.text;
    return decoded;
}

torch::Tensor BtddnetImpl::foregroundProbability(const torch::Tensor& logits)
{
    return torch::softmax(logits, 1).select(1, 1);
}

} // namespace refermap::model
