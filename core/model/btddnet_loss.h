#pragma once

#include "model/btddnet.h"

namespace refermap::model {

struct BtddnetLoss {
    torch::Tensor total;      // L_ce + eta * L_re
    torch::Tensor foreground; // L_fg: cross-entropy summed over target pixels / all pixels
    torch::Tensor background; // L_bg: the same over the other pixels
    torch::Tensor rephrase;   // L_re: mean squared error over valid tokens (0 without the branch)
};

// The training loss (paper Eq. 10–14, MODEL.md §4): L_ce = lambda * L_fg + (1 - lambda) * L_bg
// with the per-pixel two-class cross-entropy split into its target and background terms, plus
// eta * L_re. `target`: (B, H, W) with 1 on the referred object (any size; resized by nearest
// to the logits' size when it differs). `attentionMask`: (B, N).
BtddnetLoss btddnetLoss(const BtddnetOutput& output, const torch::Tensor& target, const torch::Tensor& attentionMask,
                        const BtddnetConfig& config);

} // namespace refermap::model
