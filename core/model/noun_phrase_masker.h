#pragma once

#include "model/wordpiece_tokenizer.h"

#include <string>
#include <vector>

namespace refermap::model {

// What the background stream and the rephrase loss read: the expression with its referent masked.
struct MaskedText {
    std::vector<std::int64_t> maskedInputIds; // inputIds with every wordpiece of the masked words set to 0 ([PAD])
    std::vector<std::string> maskedWords;     // the masked words, in order
};

// Deterministic noun-phrase masking (MODEL.md §5): finds the first noun phrase of a referring
// expression and masks its head noun run ("the white storage tanks near the harbor" -> "storage
// tanks"), using a noun lexicon from a real lexical database plus the RefSegRS / RRSIS-D category
// vocabulary (see the data file's header for its source and licence). The attention mask is left
// unchanged (masked positions stay 1). Immutable after construction; any thread.
class NounPhraseMasker {
public:
    // The lexicon compiled into the library.
    static const NounPhraseMasker& builtin();

    MaskedText mask(const TokenizedText& tokens) const;
    // The words of `words` that would be masked (for tests and `refermap-cli tokenize`).
    std::vector<std::string> referentWords(const std::vector<std::string>& words) const;
};

} // namespace refermap::model
