#pragma once

#include "common/result.h"
#include "engine/expression_encoder.h"
#include "engine/referring_dataset.h"
#include "engine/sample_mirror.h"
#include "model/btddnet_config.h"
#include "model/wordpiece_tokenizer.h"

#include <ATen/core/Tensor.h>

#include <cstddef>
#include <string>
#include <vector>

namespace refermap::engine {

// One (ref, expression) pair: what BTDDNet sees as one sample.
struct ReferringSample {
    std::size_t refIndex = 0;
    std::string sentence;
    SampleMirror mirror{}; // training augmentation: image, mask and sentence mirrored together
};

// A batch ready for BTDDNet, on the CPU: images normalised and resized to the network size
// (bilinear), ground truth resized by nearest neighbour, expressions tokenised and masked; each
// sample mirrored as it asks.
struct ReferringBatch {
    at::Tensor images;  // (B, 3, S, S) float32
    at::Tensor targets; // (B, S, S) int64, 1 on the referred object
    EncodedExpressions text;
};

// Loads and preprocesses the samples (the reference preprocessing of referring_preprocessing.h).
// Thread-safe for concurrent calls on the same dataset (the prefetch thread). Errors name the file.
Result<ReferringBatch> loadReferringBatch(const ReferringDataset& dataset, const std::vector<ReferringSample>& samples,
                                          const model::WordpieceTokenizer& tokenizer,
                                          const model::BtddnetConfig& config);

// Every sentence of every ref, in dataset order (evaluation: "every sentence when testing").
std::vector<ReferringSample> everySentence(const ReferringDataset& dataset);

} // namespace refermap::engine
