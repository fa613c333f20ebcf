#pragma once

#include "model/bert_encoder.h"
#include "model/bidirectional_spatial_correlation.h"
#include "model/btddnet_config.h"
#include "model/multiscale_context_interaction.h"
#include "model/swin_transformer.h"
#include "model/twin_stream_predictor.h"

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/pimpl.h>

namespace refermap::model {

struct BtddnetOutput {
    torch::Tensor logits;         // (B, 2, H, W) at the input size: [background, foreground]
    torch::Tensor rephrased;      // (B, N, hidden) from the rephrase module; undefined unless requested
    torch::Tensor rephraseTarget; // (B, N, hidden), gradient stopped; undefined unless requested
};

// BTDDNet (paper §III, MODEL.md): Swin and BERT run stage by stage with a BSC after each stage;
// the masked text runs through the same BERT without BSC; MCI fuses stages 2..n with the text;
// the twin-stream predictor produces [z_bg, z_fg]; the rephrase module feeds the rephrase loss.
// Parameter names: swin.* (timm), bert.* (HuggingFace BertModel), bsc.{i}.*, feature_norms.{i}.*,
// mci.*, predictor.*, rephrase.*. Thread-compatible: one forward at a time per instance.
class BtddnetImpl : public torch::nn::Module {
public:
    explicit BtddnetImpl(const BtddnetConfig& config);

    // image: (B, 3, H, W) normalised (any H, W); ids, attentionMask, maskedIds: (B, N) int64.
    // The rephrase branch runs when `withRephrase` (training) — inference does not need it.
    BtddnetOutput forward(const torch::Tensor& image, const torch::Tensor& ids, const torch::Tensor& attentionMask,
                          const torch::Tensor& maskedIds, bool withRephrase);

    // The inference rule: score = softmax([z_bg, z_fg])[fg], (B, H, W).
    static torch::Tensor foregroundProbability(const torch::Tensor& logits);

    const BtddnetConfig& config() const { return config_; }

    SwinTransformer swin{nullptr};
    BertModel bert{nullptr};
    torch::nn::ModuleList bsc{nullptr};
    torch::nn::ModuleList feature_norms{nullptr};
    MultiscaleContextInteraction mci{nullptr};
    TwinStreamPredictor predictor{nullptr};
    JointRephrase rephrase{nullptr};

private:
    BtddnetConfig config_;
};
TORCH_MODULE(Btddnet);

} // namespace refermap::model
