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

#include <functional>

namespace refermap::model {

struct BtddnetOutput {
    torch::Tensor logits;         // (B, 2, H, W) at the input size: [background, foreground]
    torch::Tensor rephrased;      // (B, N, hidden) from the rephrase module; undefined unless requested
    torch::Tensor rephraseTarget; // (B, N, hidden), gradient stopped; undefined unless requested
};

// What a forward computes from the text alone, before the image meets it: the BERT embeddings that
// enter the first stage and the masked text's whole BERT pass (the target/background stream's
// input). A query runs one text over every tile, so these are computed once (encodeText) and
// shared by every batch (forward with a BtddnetText); batch dimension 1 or the image's.
struct BtddnetText {
    torch::Tensor attentionMask;  // (B, N) int64
    torch::Tensor embeddings;     // (B, N, hidden)
    torch::Tensor additiveMask;   // BertModel::Impl::additiveMask(attentionMask)
    torch::Tensor maskedText;     // (B, N, hidden)
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

    // Inference in two steps: the text once, then any number of image batches with it (a text of
    // batch 1 is broadcast to the images'). The same operations as forward(..., false) in eval mode.
    BtddnetText encodeText(const torch::Tensor& ids, const torch::Tensor& attentionMask, const torch::Tensor& maskedIds);
    torch::Tensor forward(const torch::Tensor& image, const BtddnetText& text);

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
    struct Decoded {
        torch::Tensor logits;      // at the input size
        torch::Tensor stagedText;  // the text after the last stage's BSC
        torch::Tensor maskedText;
        torch::Tensor mciVisual;   // MCI's outputs, for the rephrase branch
        torch::Tensor mciText;
    };
    // Everything after the embeddings: the stages with their BSC, MCI and the twin-stream predictor.
    Decoded decode(const torch::Tensor& image, torch::Tensor vision, torch::Tensor text, const torch::Tensor& additive,
                   const torch::Tensor& attentionMask, const std::function<torch::Tensor()>& maskedText);

    BtddnetConfig config_;
};
TORCH_MODULE(Btddnet);

} // namespace refermap::model
