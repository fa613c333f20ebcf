#include "model/wordpiece_tokenizer.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace refermap::model {
namespace {

const std::filesystem::path vocabularyPath = TEST_DATA_DIR "/vocab/bert-base-uncased-vocab.txt";
const std::filesystem::path casesPath = TEST_DATA_DIR "/vocab/tokenizer-cases.json";

const WordpieceTokenizer& bertTokenizer()
{
    static const WordpieceTokenizer tokenizer = [] {
        auto loaded = WordpieceTokenizer::fromVocabularyFile(vocabularyPath);
        if (!loaded)
            throw Exception(loaded.error());
        return std::move(loaded).value();
    }();
    return tokenizer;
}

// A minimal valid vocabulary: [PAD], [unused0..98], [UNK], [CLS], [SEP], [MASK], then `tokens`.
std::string smallVocabulary(const std::vector<std::string>& tokens)
{
    std::string text = "[PAD]\n";
    for (int i = 0; i < 99; ++i)
        text += "[unused" + std::to_string(i) + "]\n";
    text += "[UNK]\n[CLS]\n[SEP]\n[MASK]\n";
    for (const std::string& token : tokens)
        text += token + "\n";
    return text;
}

class TemporaryFile {
public:
    explicit TemporaryFile(const std::string& content)
        : path_(std::filesystem::temp_directory_path()
            / ("refermap_vocab_" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count())
                + ".txt"))
    {
        std::ofstream(path_, std::ios::binary) << content;
    }
    ~TemporaryFile() { std::filesystem::remove(path_); }
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

TEST(WordpieceTokenizerTest, LoadsTheBertVocabulary)
{
    const WordpieceTokenizer& tokenizer = bertTokenizer();
    EXPECT_EQ(tokenizer.size(), 30522u);
    EXPECT_EQ(tokenizer.idOf("[PAD]"), WordpieceTokenizer::padId);
    EXPECT_EQ(tokenizer.idOf("[UNK]"), WordpieceTokenizer::unknownId);
    EXPECT_EQ(tokenizer.idOf("[CLS]"), WordpieceTokenizer::classId);
    EXPECT_EQ(tokenizer.idOf("[SEP]"), WordpieceTokenizer::separatorId);
    EXPECT_EQ(tokenizer.idOf("[MASK]"), WordpieceTokenizer::maskId);
    EXPECT_EQ(tokenizer.idOf("the"), 1996);
    EXPECT_EQ(tokenizer.idOf("hello"), 7592);
    EXPECT_EQ(tokenizer.idOf("no-such-token"), WordpieceTokenizer::unknownId);
    EXPECT_EQ(tokenizer.tokenOf(999), "!"); // line 1000
    EXPECT_EQ(tokenizer.tokenOf(30521), "##～");
    EXPECT_EQ(tokenizer.tokenOf(30522), "[UNK]");
    EXPECT_EQ(tokenizer.tokenOf(-1), "[UNK]");
}

TEST(WordpieceTokenizerTest, MatchesEveryReferenceCase)
{
    std::ifstream file(casesPath);
    ASSERT_TRUE(file) << casesPath;
    const nlohmann::json cases = nlohmann::json::parse(file);
    ASSERT_EQ(cases.size(), 36u);
    const WordpieceTokenizer& tokenizer = bertTokenizer();
    for (const nlohmann::json& reference : cases) {
        const std::string text = reference.at("text").get<std::string>();
        SCOPED_TRACE("case text: \"" + text + "\"");
        const auto expectedPieces = reference.at("wordpieces").get<std::vector<std::string>>();
        const auto expectedWithSpecial = reference.at("ids_with_special").get<std::vector<std::int64_t>>();
        const auto expectedIds = reference.at("input_ids_20").get<std::vector<std::int64_t>>();
        const auto expectedMask = reference.at("attention_mask_20").get<std::vector<std::int64_t>>();

        EXPECT_EQ(tokenizer.wordpieces(text), expectedPieces);

        // Without truncation: [CLS] … [SEP] exactly.
        const TokenizedText full = tokenizer.encode(text, static_cast<int>(expectedWithSpecial.size()));
        EXPECT_EQ(full.inputIds, expectedWithSpecial);
        EXPECT_EQ(full.wordpieces, expectedPieces);
        EXPECT_EQ(full.attentionMask, std::vector<std::int64_t>(expectedWithSpecial.size(), 1));

        // The model's row of 20: truncated (possibly without [SEP]) and padded.
        const TokenizedText encoded = tokenizer.encode(text);
        EXPECT_EQ(encoded.inputIds, expectedIds);
        EXPECT_EQ(encoded.attentionMask, expectedMask);
        EXPECT_EQ(encoded.wordpieces, expectedPieces);
        ASSERT_EQ(encoded.wordOfPosition.size(), 20u);
    }
}

TEST(WordpieceTokenizerTest, EveryWordpieceTracesBackToItsWord)
{
    std::ifstream file(casesPath);
    const nlohmann::json cases = nlohmann::json::parse(file);
    const WordpieceTokenizer& tokenizer = bertTokenizer();
    for (const nlohmann::json& reference : cases) {
        const std::string text = reference.at("text").get<std::string>();
        SCOPED_TRACE("case text: \"" + text + "\"");
        const TokenizedText encoded = tokenizer.encode(text, 64);
        EXPECT_EQ(encoded.words, tokenizer.basicTokens(text));
        // Rebuild each word from its wordpieces ("##" removed), unless it became [UNK].
        std::vector<std::string> rebuilt(encoded.words.size());
        int previous = -1;
        for (std::size_t position = 0; position < encoded.inputIds.size(); ++position) {
            const int word = encoded.wordOfPosition[position];
            const std::int64_t id = encoded.inputIds[position];
            if (id == WordpieceTokenizer::classId || id == WordpieceTokenizer::separatorId
                || id == WordpieceTokenizer::padId) {
                EXPECT_EQ(word, -1) << "position " << position;
                continue;
            }
            ASSERT_GE(word, 0) << "position " << position;
            ASSERT_LT(word, static_cast<int>(encoded.words.size()));
            EXPECT_GE(word, previous) << "words appear in order";
            previous = word;
            std::string piece = tokenizer.tokenOf(id);
            if (piece.rfind("##", 0) == 0)
                piece.erase(0, 2);
            rebuilt[static_cast<std::size_t>(word)] += piece;
        }
        for (std::size_t w = 0; w < encoded.words.size(); ++w) {
            if (rebuilt[w] != "[UNK]") {
                EXPECT_EQ(rebuilt[w], encoded.words[w]);
            }
        }
    }
}

TEST(WordpieceTokenizerTest, TruncationDropsTheSeparatorAndPaddingIsZero)
{
    const WordpieceTokenizer& tokenizer = bertTokenizer();
    const TokenizedText two = tokenizer.encode("the ship", 3);
    EXPECT_EQ(two.inputIds, (std::vector<std::int64_t> {101, 1996, 2911}));
    EXPECT_EQ(two.wordOfPosition, (std::vector<int> {-1, 0, 1}));
    const TokenizedText padded = tokenizer.encode("the ship", 6);
    EXPECT_EQ(padded.inputIds, (std::vector<std::int64_t> {101, 1996, 2911, 102, 0, 0}));
    EXPECT_EQ(padded.attentionMask, (std::vector<std::int64_t> {1, 1, 1, 1, 0, 0}));
    EXPECT_EQ(padded.wordOfPosition, (std::vector<int> {-1, 0, 1, -1, -1, -1}));
    const TokenizedText empty = tokenizer.encode("", 4);
    EXPECT_EQ(empty.inputIds, (std::vector<std::int64_t> {101, 102, 0, 0}));
    EXPECT_TRUE(empty.words.empty());
    EXPECT_TRUE(tokenizer.encode("the ship", 0).inputIds.empty());
}

TEST(WordpieceTokenizerTest, BasicTokenizerFollowsTheReferenceOnUnicode)
{
    const WordpieceTokenizer& tokenizer = bertTokenizer();
    using Words = std::vector<std::string>;
    // Control and format characters, NUL and U+FFFD are dropped; tab, newline and Zs become spaces.
    EXPECT_EQ(tokenizer.basicTokens("a\u200Db\u00ADc\x07"
                                    "d"),
        Words {"abcd"});
    EXPECT_EQ(tokenizer.basicTokens(std::string("a\0b", 3)), Words {"ab"});
    EXPECT_EQ(tokenizer.basicTokens("a\uFFFDb"), Words {"ab"});
    EXPECT_EQ(tokenizer.basicTokens("x\u00A0y\u3000z\tw\r\nv"), (Words {"x", "y", "z", "w", "v"}));
    // Python's str.split() also splits on the line and paragraph separators the cleaning keeps.
    EXPECT_EQ(tokenizer.basicTokens("a\u2028b\u2029c"), (Words {"a", "b", "c"}));
    // Invalid UTF-8 is dropped, as the reference's decode(errors="ignore").
    EXPECT_EQ(tokenizer.basicTokens("ro\xFF"
                                    "ad"),
        Words {"road"});
    // Lower-case with full case mapping (final sigma, dotted I), then NFD without the marks.
    EXPECT_EQ(tokenizer.basicTokens("ΣΑΣ Ålesund İzmir"), (Words {"σας", "alesund", "izmir"}));
    EXPECT_EQ(tokenizer.basicTokens("ＡＢＣ ﬁeld"), (Words {"ａｂｃ", "ﬁeld"})); // NFD, not NFKD
    // Punctuation: every ASCII symbol and Unicode P*, but not currency or maths symbols.
    EXPECT_EQ(tokenizer.basicTokens("a$b^c~d+e"), (Words {"a", "$", "b", "^", "c", "~", "d", "+", "e"}));
    EXPECT_EQ(tokenizer.basicTokens("£5 €3 ±2 ¿qué?"), (Words {"£5", "€3", "±2", "¿", "que", "?"}));
    // CJK ideographs become single words; Hangul and kana do not. NFD splits Hangul syllables into
    // jamo (letters, kept) and removes the voicing mark of "が" (a non-spacing mark), as Python's does.
    EXPECT_EQ(tokenizer.basicTokens("港口 한국 ひらがな"),
        (Words {"港", "口", "\u1112\u1161\u11AB\u1100\u116E\u11A8", "ひらかな"}));
}

TEST(WordpieceTokenizerTest, LongWordsBecomeUnknown)
{
    const WordpieceTokenizer tokenizer
        = WordpieceTokenizer::fromVocabularyText(smallVocabulary({"a", "##a"}), "small").value();
    const std::string longest(200, 'a');
    EXPECT_EQ(tokenizer.wordpieces(longest).size(), 200u);
    EXPECT_EQ(tokenizer.wordpieces(longest + "a"), std::vector<std::string> {"[UNK]"});
    EXPECT_EQ(tokenizer.wordpieces("ab"), std::vector<std::string> {"[UNK]"}); // no piece for "b": whole word
    EXPECT_EQ(tokenizer.encode("ab a", 5).inputIds, (std::vector<std::int64_t> {101, 100, 104, 102, 0}));
}

TEST(WordpieceTokenizerTest, GreedyLongestMatchFirst)
{
    const WordpieceTokenizer tokenizer = WordpieceTokenizer::fromVocabularyText(
        smallVocabulary({"un", "una", "##ffa", "##ff", "##able", "##ble"}), "small")
                                             .value();
    EXPECT_EQ(tokenizer.wordpieces("unaffable"), (std::vector<std::string> {"una", "##ffa", "##ble"}));
    EXPECT_EQ(bertTokenizer().wordpieces("unaffable"), (std::vector<std::string> {"una", "##ffa", "##ble"}));
}

TEST(WordpieceTokenizerTest, VocabularyTextRoundTrips)
{
    const std::string text = smallVocabulary({"road", "##way"});
    const WordpieceTokenizer tokenizer = WordpieceTokenizer::fromVocabularyText(text, "small").value();
    EXPECT_EQ(tokenizer.vocabularyText(), text);
    EXPECT_EQ(tokenizer.size(), 106u);
    EXPECT_EQ(tokenizer.idOf("##way"), 105);
    // Windows line ends and a byte-order mark are accepted.
    std::string windows = "\xEF\xBB\xBF";
    for (char c : text)
        windows += c == '\n' ? std::string("\r\n") : std::string(1, c);
    EXPECT_EQ(WordpieceTokenizer::fromVocabularyText(windows, "crlf").value().vocabularyText(), text);
    // No final newline.
    EXPECT_EQ(WordpieceTokenizer::fromVocabularyText(text.substr(0, text.size() - 1), "x").value().size(), 106u);
    EXPECT_EQ(bertTokenizer().vocabularyText().size(), std::filesystem::file_size(vocabularyPath));
}

TEST(WordpieceTokenizerTest, MissingFileIsNotFoundAndNamed)
{
    const auto missing = WordpieceTokenizer::fromVocabularyFile("/nonexistent/folder/vocab.txt");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code(), ErrorCode::NotFound);
    EXPECT_NE(missing.error().message().find("/nonexistent/folder/vocab.txt"), std::string::npos)
        << missing.error().message();
    const auto folder = WordpieceTokenizer::fromVocabularyFile(std::filesystem::temp_directory_path());
    ASSERT_FALSE(folder);
    EXPECT_NE(folder.error().message().find("folder"), std::string::npos) << folder.error().message();
}

TEST(WordpieceTokenizerTest, EmptyFileIsRejected)
{
    const TemporaryFile empty("");
    const auto result = WordpieceTokenizer::fromVocabularyFile(empty.path());
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code(), ErrorCode::InvalidData);
    EXPECT_NE(result.error().message().find(empty.path().string()), std::string::npos) << result.error().message();
    EXPECT_NE(result.error().message().find("empty"), std::string::npos) << result.error().message();
}

TEST(WordpieceTokenizerTest, DuplicateTokenNamesBothLines)
{
    const TemporaryFile duplicate(smallVocabulary({"road", "ship", "road"}));
    const auto result = WordpieceTokenizer::fromVocabularyFile(duplicate.path());
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code(), ErrorCode::InvalidData);
    const std::string message = result.error().message();
    EXPECT_NE(message.find(duplicate.path().string()), std::string::npos) << message;
    EXPECT_NE(message.find("line 107: duplicate token 'road' (first on line 105)"), std::string::npos) << message;
}

TEST(WordpieceTokenizerTest, EmptyLineIsRejected)
{
    const auto result = WordpieceTokenizer::fromVocabularyText(smallVocabulary({"road", "", "ship"}), "blank.txt");
    ASSERT_FALSE(result);
    EXPECT_NE(result.error().message().find("line 106 is empty"), std::string::npos) << result.error().message();
}

TEST(WordpieceTokenizerTest, SpecialTokensMustBeAtTheirIds)
{
    struct Case {
        std::string from;
        std::string to;
        std::string expected;
    };
    const std::vector<Case> cases = {
        {"[PAD]\n", "[pad]\n", "line 1 should be [PAD] (id 0), found '[pad]'"},
        {"[UNK]\n", "[UNKNOWN]\n", "line 101 should be [UNK] (id 100), found '[UNKNOWN]'"},
        {"[CLS]\n", "[unused99]\n", "line 102 should be [CLS] (id 101), found '[unused99]'"},
        {"[SEP]\n", "sep\n", "line 103 should be [SEP] (id 102), found 'sep'"},
        {"[MASK]\n", "[MASK2]\n", "line 104 should be [MASK] (id 103), found '[MASK2]'"},
    };
    for (const Case& c : cases) {
        std::string text = smallVocabulary({"road"});
        text.replace(text.find(c.from), c.from.size(), c.to);
        const auto result = WordpieceTokenizer::fromVocabularyText(text, "special.txt");
        ASSERT_FALSE(result) << c.expected;
        EXPECT_EQ(result.error().code(), ErrorCode::InvalidData);
        EXPECT_EQ(result.error().message(), "invalid WordPiece vocabulary: file 'special.txt': " + c.expected);
    }
    const auto shortVocabulary = WordpieceTokenizer::fromVocabularyText("[PAD]\nroad\n", "short.txt");
    ASSERT_FALSE(shortVocabulary);
    EXPECT_NE(
        shortVocabulary.error().message().find("line 101 should be [UNK] (id 100) but the vocabulary has only 2 lines"),
        std::string::npos)
        << shortVocabulary.error().message();
}

TEST(WordpieceTokenizerTest, SafeFromSeveralThreads)
{
    const WordpieceTokenizer& tokenizer = bertTokenizer();
    const std::string text = "the white storage tanks near the harbor";
    const std::vector<std::int64_t> expected = tokenizer.encode(text).inputIds;
    std::vector<std::thread> threads;
    std::vector<int> mismatches(4, 0);
    for (std::size_t t = 0; t < mismatches.size(); ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 200; ++i)
                mismatches[t] += tokenizer.encode(text).inputIds != expected;
        });
    }
    for (std::thread& thread : threads)
        thread.join();
    EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

TEST(WordpieceTokenizerTest, FastEnoughToBeIrrelevant)
{
    const WordpieceTokenizer& tokenizer = bertTokenizer();
    const auto start = std::chrono::steady_clock::now();
    std::size_t total = 0;
    for (int i = 0; i < 2000; ++i)
        total += tokenizer
                     .encode("a large baseball field located at the bottom right of the image, next to the "
                             "expressway toll station")
                     .wordpieces.size();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(total, 2000u * 19u);
    // About 20 µs per expression on one core; the bound leaves room for sanitizers and busy machines.
    EXPECT_LT(seconds, 2.0) << seconds / 2000 * 1e6 << " µs per expression";
}

} // namespace
} // namespace refermap::model
