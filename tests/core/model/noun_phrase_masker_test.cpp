#include "model/noun_phrase_masker.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace refermap::model {
namespace {

const WordpieceTokenizer& bertTokenizer()
{
    static const WordpieceTokenizer tokenizer = [] {
        auto loaded = WordpieceTokenizer::fromVocabularyFile(TEST_DATA_DIR "/vocab/bert-base-uncased-vocab.txt");
        if (!loaded)
            throw Exception(loaded.error());
        return std::move(loaded).value();
    }();
    return tokenizer;
}

struct Expression {
    const char* text;
    std::vector<std::string> masked;
};

// RRSIS-D / RefSegRS style expressions and the words the masker must mask (the head noun run of
// the first noun phrase).
const std::vector<Expression> expressions = {
    // MODEL.md's example and the RRSIS-D categories, with colour, size and position adjectives.
    {"the white storage tanks near the harbor", {"storage", "tanks"}},
    {"a white storage tank", {"storage", "tank"}},
    {"the ship next to the harbor", {"ship"}},
    {"the ground track field on the left", {"ground", "track", "field"}},
    {"The ground track field is on the left of the tennis court", {"ground", "track", "field"}},
    {"expressway toll station in the middle", {"expressway", "toll", "station"}},
    {"The expressway toll station in the center", {"expressway", "toll", "station"}},
    {"the expressway service area at the top", {"expressway", "service", "area"}},
    {"the vehicle parked on the road", {"vehicle"}},
    {"two airplanes at the bottom", {"airplanes"}},
    {"The gray bridge in the middle", {"bridge"}},
    {"The vehicle on the upper left", {"vehicle"}},
    {"A large baseball field located at the bottom right of the image", {"baseball", "field"}},
    {"the large basketball court on the right", {"basketball", "court"}},
    {"the golf field surrounded by trees", {"golf", "field"}},
    {"the train station in the lower part", {"train", "station"}},
    {"the tall chimney beside the factory", {"chimney"}},
    {"the dam across the river (north side)", {"dam"}},
    {"the stadium with a red roof", {"stadium"}},
    {"the gray small windmill", {"windmill"}},
    {"the white airport between the two runways", {"airport"}},
    {"an overpass in the upper right corner", {"overpass"}},
    {"the small harbor on the left", {"harbor"}},
    // RefSegRS categories (SkyScapes scenes).
    {"van driving on the road", {"van"}},
    {"the white car parked next to the truck", {"car"}},
    {"Road marking on the bikeway", {"road", "marking"}},
    {"low vegetation between buildings", {"low", "vegetation"}},
    {"impervious surface near the trailer", {"impervious", "surface"}},
    {"the bikeway along the sidewalk", {"bikeway"}},
    {"the building with a red roof", {"building"}},
    {"the long bus behind the white van", {"bus"}},
    {"two trucks in the lower-left corner", {"trucks"}},
    // No determiner, numbers, lead-in verbs.
    {"two white cars next to the building", {"cars"}},
    {"three storage tanks", {"storage", "tanks"}},
    {"Find the 3rd building from the left", {"building"}},
    {"segment all the ships in the harbor", {"ships"}},
    // Relations that end the first phrase.
    {"the ship docked at the lower-left pier", {"ship"}},
    {"Two chimneys next to the power plant, top-right.", {"chimneys"}},
    {"the bridge over the canal", {"bridge"}},
    {"the car with a white roof", {"car"}},
    {"the tennis court between the two buildings", {"tennis", "court"}},
    {"the plane in the middle of the image", {"plane"}},
    {"the ship that is closest to the bridge", {"ship"}},
    {"the airplane which is parked at the gate", {"airplane"}},
    {"the vehicle left of the gray building", {"vehicle"}},
    {"the ship lies beside the dock", {"ship"}},
    // Punctuation, quotes, hyphens, possessives.
    {"the train station's platform area", {"train", "station"}},
    {"the “red” car", {"car"}},
    {"basketball-court", {"basketball", "court"}},
    {"the airport runway, 2.5 km long", {"airport", "runway"}},
    {"the STADIUM near the EXPRESSWAY SERVICE AREA", {"stadium"}},
    {"Café on the corner of the plaza", {"cafe"}},
    {"the harbour at Ålesund", {"harbour"}},
    // Plurals: -s, -es, -ies and irregular.
    {"the buses at the station", {"buses"}},
    {"the factories near the river", {"factories"}},
    {"the greenhouses on the right", {"greenhouses"}},
    {"geese on the lake", {"geese"}},
    // Compounds that are not dataset categories: a noun run.
    {"the parking lot next to the stadium", {"parking", "lot"}},
    {"the oil storage tanks", {"oil", "storage", "tanks"}},
    {"the concrete road beside the river", {"road"}},
    {"the light gray building", {"building"}},
    {"the dark blue car near the street light", {"car"}},
    {"the cargo ship", {"cargo", "ship"}},
    // Collections: the referent is what follows "of".
    {"a group of white cars", {"cars"}},
    {"the row of trees along the road", {"trees"}},
    // A position phrase before the referent is passed over.
    {"on the left, the white ship", {"ship"}},
    {"in the middle of the image is a bridge", {"bridge"}},
    // Words split into several wordpieces.
    {"the windmills on the hill", {"windmills"}},
    {"the helicopter on the helipad", {"helicopter"}},
    {"the substation near the overpass", {"substation"}},
    // Fallback: no noun in the first phrase.
    {"the airplnae near the hangar", {"airplnae"}},
    {"the one on the left", {}},
    {"the big one near the road", {}},
    {"the one next to the white car", {}},
    {"one white car on the road", {"car"}},
    {"!!!", {}},
    {"x", {}},
    {"港口附近的白色储油罐", {}},
    {"", {}},
};

TEST(NounPhraseMaskerTest, LexiconIsCompiledIn)
{
    EXPECT_GT(NounPhraseMasker::builtin().lexiconSize(), 20000u);
}

TEST(NounPhraseMaskerTest, MasksTheReferentOfDatasetExpressions)
{
    ASSERT_GE(expressions.size(), 40u);
    const NounPhraseMasker& masker = NounPhraseMasker::builtin();
    for (const Expression& expression : expressions) {
        SCOPED_TRACE(std::string("expression: \"") + expression.text + "\"");
        const TokenizedText tokens = bertTokenizer().encode(expression.text);
        EXPECT_EQ(masker.referentWords(tokens.words), expression.masked);
        EXPECT_EQ(masker.mask(tokens).maskedWords, expression.masked);
    }
}

TEST(NounPhraseMaskerTest, MaskedIdsAreTheInputIdsWithTheReferentZeroed)
{
    const NounPhraseMasker& masker = NounPhraseMasker::builtin();
    for (const Expression& expression : expressions) {
        SCOPED_TRACE(std::string("expression: \"") + expression.text + "\"");
        const TokenizedText tokens = bertTokenizer().encode(expression.text);
        const MaskedText masked = masker.mask(tokens);
        const std::vector<int> referent = masker.referentIndices(tokens.words);
        ASSERT_EQ(masked.maskedInputIds.size(), tokens.inputIds.size());
        std::size_t zeroed = 0;
        for (std::size_t position = 0; position < tokens.inputIds.size(); ++position) {
            const int word = tokens.wordOfPosition[position];
            const bool inReferent = word >= 0 && std::find(referent.begin(), referent.end(), word) != referent.end();
            EXPECT_EQ(masked.maskedInputIds[position], inReferent ? 0 : tokens.inputIds[position])
                << "position " << position;
            zeroed += inReferent;
        }
        // Every wordpiece of every masked word, and the attention mask of the input is unchanged.
        std::size_t expectedZeroed = 0;
        for (const std::string& word : expression.masked)
            expectedZeroed += bertTokenizer().wordpieces(word).size();
        EXPECT_EQ(zeroed, expectedZeroed);
        EXPECT_EQ(tokens.attentionMask, bertTokenizer().encode(expression.text).attentionMask);
    }
}

TEST(NounPhraseMaskerTest, MasksEveryWordpieceOfASplitWord)
{
    const TokenizedText tokens = bertTokenizer().encode("the overpass near the bikeway");
    ASSERT_EQ(tokens.wordpieces, (std::vector<std::string> {"the", "over", "##pass", "near", "the", "bike", "##way"}));
    const MaskedText masked = NounPhraseMasker::builtin().mask(tokens);
    EXPECT_EQ(masked.maskedWords, std::vector<std::string> {"overpass"});
    EXPECT_EQ(std::vector<std::int64_t>(masked.maskedInputIds.begin(), masked.maskedInputIds.begin() + 9),
        (std::vector<std::int64_t> {
            101, 1996, 0, 0, tokens.inputIds[4], 1996, tokens.inputIds[6], tokens.inputIds[7], 102}));
    EXPECT_EQ(masked.maskedInputIds.size(), 20u);
}

TEST(NounPhraseMaskerTest, RepeatedWordsAreMaskedByPosition)
{
    const TokenizedText tokens = bertTokenizer().encode("the car behind the car");
    const MaskedText masked = NounPhraseMasker::builtin().mask(tokens);
    EXPECT_EQ(NounPhraseMasker::builtin().referentIndices(tokens.words), std::vector<int> {1});
    EXPECT_EQ(masked.maskedInputIds[2], 0);
    EXPECT_EQ(masked.maskedInputIds[5], tokens.inputIds[5]);
}

TEST(NounPhraseMaskerTest, TruncatedReferentMasksOnlyWhatIsLeft)
{
    // The referent lies beyond the 20 tokens: nothing to mask, nothing reported.
    const std::string text = "on the far left of the image at the very top of the picture, beside the edge of the "
                             "image, the white ship";
    const TokenizedText tokens = bertTokenizer().encode(text);
    const MaskedText masked = NounPhraseMasker::builtin().mask(tokens);
    EXPECT_EQ(NounPhraseMasker::builtin().referentWords(tokens.words), std::vector<std::string> {"ship"});
    EXPECT_TRUE(masked.maskedWords.empty());
    EXPECT_EQ(masked.maskedInputIds, tokens.inputIds);
}

TEST(NounPhraseMaskerTest, DeterministicAndThreadSafe)
{
    const NounPhraseMasker& masker = NounPhraseMasker::builtin();
    const TokenizedText tokens = bertTokenizer().encode("the white storage tanks near the harbor");
    const MaskedText first = masker.mask(tokens);
    std::vector<int> mismatches(4, 0);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < mismatches.size(); ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 200; ++i)
                mismatches[t] += masker.mask(tokens).maskedInputIds != first.maskedInputIds;
        });
    }
    for (std::thread& thread : threads)
        thread.join();
    EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

} // namespace
} // namespace refermap::model
