#include "model/btddnet_loss.h"

#include <torch/nn/functional.h>
#include <torch/torch.h>

namespace refermap::model {

namespace F = torch::nn::functional;

BtddnetLoss btddnetLoss(const BtddnetOutput& output, const torch::Tensor& target, const torch::Tensor& attentionMask,
                        const BtddnetConfig& config)
{
    auto labels = target;
    if (labels.size(-2) != output.logits.size(2) || labels.size(-1) != output.logits.size(3)) {
        labels = F::interpolate(labels.unsqueeze(1).to(torch::kFloat32),
                                F::InterpolateFuncOptions()
                                    .size(std::vector<int64_t>{output.logits.size(2), output.logits.size(3)})
                                    .mode(torch::kNearest))
                     .squeeze(1);
    }
    const auto isForeground = (labels > 0.5).to(output.logits.dtype());
    const auto logProbabilities = torch::log_softmax(output.logits, 1);
    const double pixels = static_cast<double>(isForeground.numel());
    BtddnetLoss loss;
    loss.foreground = -(logProbabilities.select(1, 1) * isForeground).sum() / pixels;
    loss.background = -(logProbabilities.select(1, 0) * (1.0 - isForeground)).sum() / pixels;
    const double lambda = config.foregroundWeight;
    loss.total = lambda * loss.foreground + (1.0 - lambda) * loss.background;
    if (output.rephrased.defined()) {
        const auto valid = attentionMask.to(output.rephrased.dtype()).unsqueeze(-1);
        const auto squared = (output.rephrased - output.rephraseTarget).pow(2) * valid;
        loss.rephrase = squared.sum() / (valid.sum() * output.rephrased.size(-1)).clamp_min(1.0);
        loss.total = loss.total + config.rephraseWeight * loss.rephrase;
    } else {
        loss.rephrase = torch::zeros({}, output.logits.options());
    }
    return loss;
}

} // namespace refermap::model
