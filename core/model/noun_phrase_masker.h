#pragma once

#include "model/wordpiece_tokenizer.h"

#include <memory>
#include <string>
#include <vector>

namespace refermap::model {

namespace detail {
struct NounLexicon;
} // namespace detail

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
//
// The rules, in order: a lead-in verb as first word is skipped ("find the ..."); determiners,
// numbers and relation words before the phrase are skipped; the phrase is a run of modifiers and
// nouns that ends at a relation word ("near", "next to", "on the left of", "with", "between"),
// punctuation (a hyphen joins, quotes are transparent), a function word, or — once a noun was seen —
// a word that cannot continue a noun ("parked", "left of", "lies", "driving"). Dataset compounds
// ("ground track field") are nouns together; a word that is both noun and adjective is an adjective
// when a noun or adjective follows ("concrete road", "light gray car"); simple plurals are
// lemmatised (-s, -es, -ies, and WordNet's irregular ones). The head run is the phrase's trailing
// run of nouns. "a group of cars" refers to the cars; a phrase of only position words ("on the
// left, the white car") is passed over; the pronoun "one" as referent ("the big one near the road")
// masks nothing. When the phrase has no noun, its last word is masked if the lexicon does not know
// it at all and it is a Latin word of two letters or more (a misspelt or rare noun in head
// position: "the airplnae near the hangar"); otherwise nothing is masked.
class NounPhraseMasker {
public:
    // The lexicon compiled into the library (parsed once, on first use; thread-safe).
    static const NounPhraseMasker& builtin();

    // `tokens.inputIds` with every wordpiece of the referent words set to 0; maskedWords lists the
    // referent words that still have a wordpiece inside the (truncated) inputIds.
    MaskedText mask(const TokenizedText& tokens) const;
    // The words of `words` that would be masked (for tests and `refermap-cli tokenize`).
    std::vector<std::string> referentWords(const std::vector<std::string>& words) const;
    // The same as indices into `words` (words may repeat: "the car behind the car").
    std::vector<int> referentIndices(const std::vector<std::string>& words) const;

    // Entries of the lexicon (single words, irregular plurals and compounds), for tests and logs.
    std::size_t lexiconSize() const;

    NounPhraseMasker(NounPhraseMasker&&) noexcept;
    NounPhraseMasker& operator=(NounPhraseMasker&&) noexcept;
    ~NounPhraseMasker();

private:
    explicit NounPhraseMasker(std::shared_ptr<const detail::NounLexicon> lexicon);
    std::shared_ptr<const detail::NounLexicon> lexicon_;
};

} // namespace refermap::model
