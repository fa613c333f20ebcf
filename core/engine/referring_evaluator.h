#pragma once

#include "common/progress_feedback.h"
#include "common/result.h"
#include "engine/referring_dataset.h"
#include "engine/referring_metrics.h"
#include "model/btddnet.h"
#include "model/wordpiece_tokenizer.h"

#include <c10/core/Device.h>

namespace refermap::engine {

struct EvaluationOptions {
    int batchSize = 8;
    bool emptyText = false; // every expression replaced by "" (the text ablation of the trainer)
    bool prefetch = true;   // load and preprocess the next batch on a second thread
};

// Runs BTDDNet over one split of a referring dataset — every sentence of every ref — and scores it
// as the reference code does: the prediction is the argmax of [z_bg, z_fg] at the network's input
// size (config().imageSize), compared with the ground truth resized there by nearest neighbour.
// Batched, under torch::InferenceMode, on `device` (the model is moved there); the model is put in
// eval mode and returned to its previous mode afterwards. Progress per batch on `progress`; cancel
// between batches (ErrorCode::Cancelled). Returns the accumulated metrics (scores() and tableRow()).
Result<ReferringMetrics> evaluateReferring(model::Btddnet& model, const model::WordpieceTokenizer& tokenizer,
                                           const ReferringDataset& dataset, const EvaluationOptions& options,
                                           c10::Device device, ProgressRange& progress);

} // namespace refermap::engine
