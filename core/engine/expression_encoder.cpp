#include "engine/expression_encoder.h"

#include "model/noun_phrase_masker.h"

#include <torch/torch.h>

namespace refermap::engine {

EncodedExpressions encodeExpressions(const model::WordpieceTokenizer& tokenizer,
                                     const std::vector<std::string>& expressions, int maxTokens)
{
    const auto count = static_cast<std::int64_t>(expressions.size());
    const auto options = torch::TensorOptions().dtype(torch::kInt64);
    EncodedExpressions encoded{torch::zeros({count, maxTokens}, options), torch::zeros({count, maxTokens}, options),
                               torch::zeros({count, maxTokens}, options)};
    auto ids = encoded.ids.accessor<std::int64_t, 2>();
    auto attention = encoded.attentionMask.accessor<std::int64_t, 2>();
    auto masked = encoded.maskedIds.accessor<std::int64_t, 2>();
    const model::NounPhraseMasker& masker = model::NounPhraseMasker::builtin();
    for (std::int64_t row = 0; row < count; ++row) {
        const model::TokenizedText tokens = tokenizer.encode(expressions[static_cast<std::size_t>(row)], maxTokens);
        const model::MaskedText maskedText = masker.mask(tokens);
        for (int position = 0; position < maxTokens; ++position) {
            ids[row][position] = tokens.inputIds[static_cast<std::size_t>(position)];
            attention[row][position] = tokens.attentionMask[static_cast<std::size_t>(position)];
            masked[row][position] = maskedText.maskedInputIds[static_cast<std::size_t>(position)];
        }
    }
    return encoded;
}

} // namespace refermap::engine
