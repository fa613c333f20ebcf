#pragma once

#include "model/wordpiece_tokenizer.h"

#include <torch/types.h>

#include <string>
#include <vector>

namespace refermap::engine {

// A batch of referring expressions as BTDDNet reads them.
struct EncodedExpressions {
    torch::Tensor ids;           // (B, N) int64: [CLS] … [SEP], truncated, 0-padded
    torch::Tensor attentionMask; // (B, N) int64: 1 on real tokens
    torch::Tensor maskedIds;     // (B, N) int64: ids with the referent's wordpieces set to [PAD] (MODEL.md §5)
};

// Tokenises (BERT uncased WordPiece) and masks the referent noun phrase of each expression; the same
// encoding at training, evaluation and query time. CPU tensors. Any thread.
EncodedExpressions encodeExpressions(const model::WordpieceTokenizer& tokenizer,
                                     const std::vector<std::string>& expressions, int maxTokens);

} // namespace refermap::engine
