#pragma once

#include "common/result.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace refermap::model {

// One expression, encoded the way the referring-segmentation references feed BERT.
struct TokenizedText {
    std::vector<std::string> wordpieces;    // without [CLS]/[SEP], before truncation
    std::vector<std::int64_t> inputIds;     // [CLS] … [SEP], truncated to maxLength (may drop [SEP]), 0-padded
    std::vector<std::int64_t> attentionMask; // 1 for real tokens, 0 for padding; same length as inputIds
    // For each wordpiece kept in inputIds (positions 1 …), the index of the basic-tokenizer word it
    // came from; lets the noun-phrase masker mask every wordpiece of a word.
    std::vector<int> wordOfPosition;        // same length as inputIds; -1 for [CLS], [SEP], padding
    std::vector<std::string> words;         // the basic tokenizer's words (lower-cased, accents stripped)
};

// BERT uncased WordPiece tokenizer, byte-for-byte the behaviour of the original reference
// (google-research/bert tokenization.py, FullTokenizer(do_lower_case=True)): clean control
// characters, split CJK ideographs, lower-case, strip accents (NFD, drop Mn), split on whitespace and
// Unicode punctuation, then greedy longest-match-first WordPiece with "##" continuations and [UNK]
// for words longer than 200 characters or without a match. Immutable after construction; any thread.
class WordpieceTokenizer {
public:
    static constexpr std::int64_t padId = 0;
    static constexpr std::int64_t unknownId = 100;
    static constexpr std::int64_t classId = 101;
    static constexpr std::int64_t separatorId = 102;
    static constexpr std::int64_t maskId = 103;

    // One token per line (UTF-8, "\n" or "\r\n"), id = line number from 0. Errors name the file
    // and line for an empty vocabulary, duplicate tokens or missing special tokens.
    static Result<WordpieceTokenizer> fromVocabularyFile(const std::filesystem::path& path);
    static Result<WordpieceTokenizer> fromVocabularyText(std::string_view text, const std::string& origin);

    // The basic tokenizer's words (lower-cased, accent-stripped, punctuation split off).
    std::vector<std::string> basicTokens(std::string_view text) const;
    // The wordpieces of the whole text, without special tokens.
    std::vector<std::string> wordpieces(std::string_view text) const;
    // [CLS] + wordpieces + [SEP], truncated to maxLength, padded with 0 (see TokenizedText).
    TokenizedText encode(std::string_view text, int maxLength = 20) const;

    std::int64_t idOf(const std::string& token) const; // unknownId when absent
    const std::string& tokenOf(std::int64_t id) const;  // "[UNK]" when out of range
    std::size_t size() const;
    // The vocabulary as one token per line, as stored inside model files.
    std::string vocabularyText() const;

    WordpieceTokenizer(WordpieceTokenizer&&) noexcept;
    WordpieceTokenizer& operator=(WordpieceTokenizer&&) noexcept;
    ~WordpieceTokenizer();

private:
    struct Vocabulary;
    explicit WordpieceTokenizer(std::shared_ptr<const Vocabulary> vocabulary);
    std::shared_ptr<const Vocabulary> vocabulary_;
};

} // namespace refermap::model
