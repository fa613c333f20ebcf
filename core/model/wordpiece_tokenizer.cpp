#include "model/wordpiece_tokenizer.h"

#include <spdlog/spdlog.h>
#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>
#include <unordered_map>
#include <utility>

namespace refermap::model {

namespace {

// The reference's word-length limit: longer basic tokens become [UNK]. google-research/bert's
// tokenization.py (which made tokenizer-cases.json) uses 200; HuggingFace's BertTokenizer uses 100.
// We follow the reference the cases came from.
constexpr std::size_t maxCharactersPerWord = 200;

// tokenization.py _is_whitespace: the four ASCII spaces plus category Zs.
bool isBertWhitespace(UChar32 c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || u_charType(c) == U_SPACE_SEPARATOR;
}

// tokenization.py _is_control: categories Cc and Cf, except tab, newline and carriage return.
bool isBertControl(UChar32 c)
{
    if (c == '\t' || c == '\n' || c == '\r')
        return false;
    const auto type = u_charType(c);
    return type == U_CONTROL_CHAR || type == U_FORMAT_CHAR;
}

// tokenization.py _is_punctuation: every non-alphanumeric ASCII printable, plus categories P*.
bool isBertPunctuation(UChar32 c)
{
    if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126))
        return true;
    return u_ispunct(c) != 0;
}

// tokenization.py _is_chinese_char: the CJK Unified Ideographs blocks (not Hangul, kana or CJK punctuation).
bool isCjkIdeograph(UChar32 c)
{
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF)
        || (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B820 && c <= 0x2CEAF)
        || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

// Python's str.split() with no argument splits on str.isspace(): category Zs or bidirectional class
// WS, B or S. After cleaning, this still matters for U+2028 and U+2029, which the cleaning keeps.
bool isPythonWhitespace(UChar32 c)
{
    if (u_charType(c) == U_SPACE_SEPARATOR)
        return true;
    const auto direction = u_charDirection(c);
    return direction == U_WHITE_SPACE_NEUTRAL || direction == U_BLOCK_SEPARATOR || direction == U_SEGMENT_SEPARATOR;
}

std::vector<icu::UnicodeString> splitOnPythonWhitespace(const icu::UnicodeString& text)
{
    std::vector<icu::UnicodeString> tokens;
    icu::UnicodeString current;
    for (int32_t i = 0; i < text.length();) {
        const UChar32 c = text.char32At(i);
        i += U16_LENGTH(c);
        if (isPythonWhitespace(c)) {
            if (!current.isEmpty())
                tokens.push_back(current);
            current.remove();
        } else {
            current.append(c);
        }
    }
    if (!current.isEmpty())
        tokens.push_back(current);
    return tokens;
}

std::string toUtf8(const icu::UnicodeString& text)
{
    std::string utf8;
    text.toUTF8String(utf8);
    return utf8;
}

// The byte offset of every code point of a UTF-8 word, plus its end.
std::vector<std::size_t> codePointOffsets(const std::string& word)
{
    std::vector<std::size_t> offsets;
    offsets.reserve(word.size() + 1);
    for (std::size_t i = 0; i < word.size(); ++i) {
        if ((static_cast<unsigned char>(word[i]) & 0xC0) != 0x80)
            offsets.push_back(i);
    }
    offsets.push_back(word.size());
    return offsets;
}

Error vocabularyError(const std::string& origin, std::string detail)
{
    return Error(ErrorCode::InvalidData, "invalid WordPiece vocabulary").withFile(origin).withDetail(std::move(detail));
}

} // namespace

struct WordpieceTokenizer::Vocabulary {
    std::vector<std::string> tokens;
    std::unordered_map<std::string, std::int64_t> ids;
};

WordpieceTokenizer::WordpieceTokenizer(std::shared_ptr<const Vocabulary> vocabulary)
    : vocabulary_(std::move(vocabulary))
{ }

WordpieceTokenizer::WordpieceTokenizer(WordpieceTokenizer&&) noexcept = default;
WordpieceTokenizer& WordpieceTokenizer::operator=(WordpieceTokenizer&&) noexcept = default;
WordpieceTokenizer::~WordpieceTokenizer() = default;

Result<WordpieceTokenizer> WordpieceTokenizer::fromVocabularyFile(const std::filesystem::path& path)
{
    const std::string name = path.string();
    std::error_code status;
    if (!std::filesystem::exists(path, status))
        return Error(ErrorCode::NotFound, "WordPiece vocabulary not found").withFile(name);
    if (std::filesystem::is_directory(path, status))
        return Error(ErrorCode::InvalidArgument, "WordPiece vocabulary is a folder, not a file").withFile(name);
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        const int code = errno;
        return Error(code == EACCES ? ErrorCode::PermissionDenied : ErrorCode::Io, "cannot open WordPiece vocabulary")
            .withFile(name)
            .withDetail(std::strerror(code));
    }
    std::ostringstream content;
    content << file.rdbuf();
    if (file.bad())
        return Error(ErrorCode::Io, "cannot read WordPiece vocabulary").withFile(name);
    return fromVocabularyText(content.str(), name);
}

Result<WordpieceTokenizer> WordpieceTokenizer::fromVocabularyText(std::string_view text, const std::string& origin)
{
    auto vocabulary = std::make_shared<Vocabulary>();
    if (text.substr(0, 3) == "\xEF\xBB\xBF")
        text.remove_prefix(3); // a UTF-8 byte-order mark is not part of the first token
    std::size_t lineStart = 0;
    while (lineStart < text.size()) {
        std::size_t lineEnd = text.find('\n', lineStart);
        if (lineEnd == std::string_view::npos)
            lineEnd = text.size();
        std::string_view token = text.substr(lineStart, lineEnd - lineStart);
        if (!token.empty() && token.back() == '\r')
            token.remove_suffix(1);
        const std::size_t line = vocabulary->tokens.size() + 1;
        if (token.empty())
            return vocabularyError(origin, "line " + std::to_string(line) + " is empty (one token per line expected)");
        const auto id = static_cast<std::int64_t>(vocabulary->tokens.size());
        const auto [existing, inserted] = vocabulary->ids.emplace(std::string(token), id);
        if (!inserted) {
            return vocabularyError(origin,
                "line " + std::to_string(line) + ": duplicate token '" + std::string(token) + "' (first on line "
                    + std::to_string(existing->second + 1) + ")");
        }
        vocabulary->tokens.emplace_back(token);
        lineStart = lineEnd + 1;
    }
    if (vocabulary->tokens.empty())
        return vocabularyError(origin, "the vocabulary is empty");

    const std::pair<std::int64_t, const char*> specials[]
        = {{padId, "[PAD]"}, {unknownId, "[UNK]"}, {classId, "[CLS]"}, {separatorId, "[SEP]"}, {maskId, "[MASK]"}};
    for (const auto& [id, token] : specials) {
        const std::string line = "line " + std::to_string(id + 1);
        if (id >= static_cast<std::int64_t>(vocabulary->tokens.size())) {
            return vocabularyError(origin,
                line + " should be " + token + " (id " + std::to_string(id) + ") but the vocabulary has only "
                    + std::to_string(vocabulary->tokens.size()) + " lines");
        }
        if (vocabulary->tokens[static_cast<std::size_t>(id)] != token) {
            return vocabularyError(origin,
                line + " should be " + token + " (id " + std::to_string(id) + "), found '"
                    + vocabulary->tokens[static_cast<std::size_t>(id)] + "'");
        }
    }
    spdlog::debug("WordPiece vocabulary '{}': {} tokens", origin, vocabulary->tokens.size());
    return WordpieceTokenizer(std::move(vocabulary));
}

std::vector<std::string> WordpieceTokenizer::basicTokens(std::string_view text) const
{
    // convert_to_unicode: invalid UTF-8 becomes U+FFFD here, which _clean_text drops, as the reference
    // drops undecodable bytes.
    const auto bytes = static_cast<int32_t>(std::min<std::size_t>(text.size(), INT32_MAX)); // ICU's length type
    const icu::UnicodeString input = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), bytes));

    // _clean_text and _tokenize_chinese_chars.
    icu::UnicodeString cleaned;
    for (int32_t i = 0; i < input.length();) {
        const UChar32 c = input.char32At(i);
        i += U16_LENGTH(c);
        if (c == 0 || c == 0xFFFD || isBertControl(c))
            continue;
        if (isBertWhitespace(c)) {
            cleaned.append(UChar32(' '));
        } else if (isCjkIdeograph(c)) {
            cleaned.append(UChar32(' ')).append(c).append(UChar32(' '));
        } else {
            cleaned.append(c);
        }
    }

    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
    if (U_FAILURE(status) || nfd == nullptr) {
        spdlog::error("ICU has no NFD normaliser ({}); tokenizing without accent stripping", u_errorName(status));
        nfd = nullptr;
    }

    std::vector<std::string> words;
    for (icu::UnicodeString token : splitOnPythonWhitespace(cleaned)) {
        // Lower-case (Python's str.lower: full case mapping), then _run_strip_accents.
        token.toLower(icu::Locale::getRoot());
        icu::UnicodeString decomposed = token;
        if (nfd != nullptr) {
            status = U_ZERO_ERROR;
            decomposed = nfd->normalize(token, status);
            if (U_FAILURE(status))
                decomposed = token;
        }
        // _run_split_on_punc, then the reference's final whitespace_tokenize(" ".join(...)).
        icu::UnicodeString word;
        const auto flush = [&words, &word]() {
            for (const icu::UnicodeString& piece : splitOnPythonWhitespace(word))
                words.push_back(toUtf8(piece));
            word.remove();
        };
        for (int32_t i = 0; i < decomposed.length();) {
            const UChar32 c = decomposed.char32At(i);
            i += U16_LENGTH(c);
            if (u_charType(c) == U_NON_SPACING_MARK)
                continue;
            if (isBertPunctuation(c)) {
                flush();
                word.append(c);
                flush();
            } else {
                word.append(c);
            }
        }
        flush();
    }
    return words;
}

namespace {

// Greedy longest-match-first WordPiece of one basic token, as (piece, id) pairs.
std::vector<std::pair<std::string, std::int64_t>> wordpiecesOfWord(
    const std::string& word, const std::unordered_map<std::string, std::int64_t>& ids)
{
    const std::vector<std::size_t> offsets = codePointOffsets(word);
    const std::size_t characters = offsets.size() - 1;
    if (characters > maxCharactersPerWord)
        return {{"[UNK]", WordpieceTokenizer::unknownId}};

    std::vector<std::pair<std::string, std::int64_t>> pieces;
    std::string candidate;
    std::size_t start = 0;
    while (start < characters) {
        bool found = false;
        for (std::size_t end = characters; end > start; --end) {
            candidate.assign(start > 0 ? "##" : "");
            candidate.append(word, offsets[start], offsets[end] - offsets[start]);
            const auto match = ids.find(candidate);
            if (match != ids.end()) {
                pieces.emplace_back(candidate, match->second);
                start = end;
                found = true;
                break;
            }
        }
        if (!found)
            return {{"[UNK]", WordpieceTokenizer::unknownId}};
    }
    return pieces;
}

} // namespace

std::vector<std::string> WordpieceTokenizer::wordpieces(std::string_view text) const
{
    std::vector<std::string> pieces;
    for (const std::string& word : basicTokens(text)) {
        for (auto& piece : wordpiecesOfWord(word, vocabulary_->ids))
            pieces.push_back(std::move(piece.first));
    }
    return pieces;
}

TokenizedText WordpieceTokenizer::encode(std::string_view text, int maxLength) const
{
    TokenizedText encoded;
    encoded.words = basicTokens(text);
    const auto length = static_cast<std::size_t>(std::max(maxLength, 0));

    std::vector<std::int64_t> ids {classId};
    std::vector<int> wordOf {-1};
    for (std::size_t w = 0; w < encoded.words.size(); ++w) {
        for (auto& [piece, id] : wordpiecesOfWord(encoded.words[w], vocabulary_->ids)) {
            encoded.wordpieces.push_back(std::move(piece));
            ids.push_back(id);
            wordOf.push_back(static_cast<int>(w));
        }
    }
    ids.push_back(separatorId);
    wordOf.push_back(-1);

    // Truncate (this can drop [SEP], as the references do), then pad with [PAD] = 0.
    ids.resize(std::min(ids.size(), length));
    wordOf.resize(ids.size());
    encoded.attentionMask.assign(ids.size(), 1);
    encoded.attentionMask.resize(length, 0);
    ids.resize(length, padId);
    wordOf.resize(length, -1);
    encoded.inputIds = std::move(ids);
    encoded.wordOfPosition = std::move(wordOf);
    return encoded;
}

std::int64_t WordpieceTokenizer::idOf(const std::string& token) const
{
    const auto match = vocabulary_->ids.find(token);
    return match == vocabulary_->ids.end() ? unknownId : match->second;
}

const std::string& WordpieceTokenizer::tokenOf(std::int64_t id) const
{
    if (id < 0 || id >= static_cast<std::int64_t>(vocabulary_->tokens.size()))
        return vocabulary_->tokens[static_cast<std::size_t>(unknownId)];
    return vocabulary_->tokens[static_cast<std::size_t>(id)];
}

std::size_t WordpieceTokenizer::size() const
{
    return vocabulary_->tokens.size();
}

std::string WordpieceTokenizer::vocabularyText() const
{
    std::string text;
    for (const std::string& token : vocabulary_->tokens) {
        text += token;
        text += '\n';
    }
    return text;
}

} // namespace refermap::model
