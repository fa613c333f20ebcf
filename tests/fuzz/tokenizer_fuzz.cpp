// libFuzzer target: WordpieceTokenizer::encode on arbitrary bytes (any UTF-8, broken or not) with
// the real bert-base-uncased vocabulary. The first byte picks the maximum length (1..64) so
// truncation and padding are exercised too. See docs/fuzzing.md.
#include "model/wordpiece_tokenizer.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <utility>

#ifndef REFERMAP_VOCABULARY_FILE
#error "REFERMAP_VOCABULARY_FILE must name bert-base-uncased-vocab.txt"
#endif

namespace {

const refermap::model::WordpieceTokenizer& tokenizer()
{
    static const refermap::model::WordpieceTokenizer instance = [] {
        auto loaded = refermap::model::WordpieceTokenizer::fromVocabularyFile(REFERMAP_VOCABULARY_FILE);
        if (!loaded) {
            std::fprintf(stderr, "cannot load the vocabulary: %s\n", loaded.error().message().c_str());
            std::abort();
        }
        return std::move(*loaded);
    }();
    return instance;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using refermap::model::WordpieceTokenizer;
    if (size == 0)
        return 0;
    const int maxLength = 1 + data[0] % 64;
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    const auto& vocabulary = tokenizer();
    const auto encoded = vocabulary.encode(text, maxLength);

    // The contract of TokenizedText, checked on every input.
    const auto length = static_cast<std::size_t>(maxLength);
    if (encoded.inputIds.size() != length || encoded.attentionMask.size() != length
        || encoded.wordOfPosition.size() != length)
        __builtin_trap();
    if (encoded.inputIds[0] != WordpieceTokenizer::classId)
        __builtin_trap();
    const auto vocabularySize = static_cast<std::int64_t>(vocabulary.size());
    bool padding = false;
    for (std::size_t i = 0; i < length; ++i) {
        const std::int64_t id = encoded.inputIds[i];
        if (id < 0 || id >= vocabularySize)
            __builtin_trap();
        const std::int64_t mask = encoded.attentionMask[i];
        if (mask != 0 && mask != 1)
            __builtin_trap();
        if (mask == 0) {
            padding = true;
            if (id != WordpieceTokenizer::padId || encoded.wordOfPosition[i] != -1)
                __builtin_trap();
        } else if (padding) {
            __builtin_trap(); // a real token after padding
        }
        const int word = encoded.wordOfPosition[i];
        if (word < -1 || word >= static_cast<int>(encoded.words.size()))
            __builtin_trap();
    }
    return 0;
}
