#pragma once

#include "model/btddnet_config.h"
#include "model/cross_attention.h"

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <utility>
#include <vector>

namespace refermap::model {

// One MCI layer: the visual tokens attend to the text and the text attends to the visual tokens
// (both read the layer's inputs). No self-attention over the visual tokens.
class MciLayerImpl : public torch::nn::Module {
public:
    MciLayerImpl(int dim, int heads);
    CrossAttentionLayer visual{nullptr};
    CrossAttentionLayer text{nullptr};
};
TORCH_MODULE(MciLayer);

struct MciOutput {
    torch::Tensor visual;                               // V*: (B, S, D), levels 2..n concatenated
    torch::Tensor text;                                 // L*: (B, N, D)
    std::vector<std::pair<int64_t, int64_t>> levelSizes; // (H, W) of each level in V*
};

// Multi-scale Context Interaction (paper Eq. 5, MODEL.md §2): projects stages 2..n to D (1x1 conv
// + GroupNorm), flattens and concatenates them with 2-D sine position and level embeddings, and
// runs bidirectional cross-attention with the final text features projected to D.
class MultiscaleContextInteractionImpl : public torch::nn::Module {
public:
    explicit MultiscaleContextInteractionImpl(const BtddnetConfig& config);

    // features: F_1..F_n as (B, C_i, H_i, W_i); text: (B, N, hidden); mask (B, N).
    MciOutput forward(const std::vector<torch::Tensor>& features, const torch::Tensor& text,
                      const torch::Tensor& mask);

    torch::nn::ModuleList input_projections{nullptr};
    torch::Tensor level_embed; // (levels, D)
    torch::nn::Linear text_projection{nullptr};
    torch::nn::ModuleList layers{nullptr};

private:
    int dim_;
};
TORCH_MODULE(MultiscaleContextInteraction);

// DETR's 2-D sine position embedding: (H, W, D), y in the first D/2 channels, x in the rest.
torch::Tensor sinePositionEmbedding(int64_t height, int64_t width, int64_t dim, const torch::TensorOptions& options);

} // namespace refermap::model
