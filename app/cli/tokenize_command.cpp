#include "bundled_resource.h"
#include "cli_commands.h"

#include "model/noun_phrase_masker.h"
#include "model/wordpiece_tokenizer.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

namespace refermap::cli {

namespace {

constexpr int tokenCount = 20; // the model's text length (MODEL.md: N = 20)

std::string joined(const std::vector<std::string>& items)
{
    std::string text;
    for (const std::string& item : items)
        text += (text.empty() ? "" : " ") + item;
    return text;
}

template <typename Number> std::string joinedNumbers(const std::vector<Number>& numbers)
{
    std::string text;
    for (const Number number : numbers)
        text += (text.empty() ? "" : " ") + std::to_string(number);
    return text;
}

std::string formatText(const std::string& text, const model::WordpieceTokenizer& tokenizer,
    const model::TokenizedText& tokens, const model::MaskedText& masked)
{
    std::ostringstream out;
    out << "Text:            " << text << '\n';
    out << "Wordpieces:      " << joined(tokens.wordpieces) << '\n';
    out << "Input ids:       " << joinedNumbers(tokens.inputIds) << '\n';
    out << "Attention mask:  " << joinedNumbers(tokens.attentionMask) << '\n';
    out << "Masked ids:      " << joinedNumbers(masked.maskedInputIds) << '\n';
    out << "Masked words:    " << (masked.maskedWords.empty() ? "(none)" : joined(masked.maskedWords)) << '\n';
    out << '\n' << "Pos  Token            Id     Mask  Masked id  Word\n";
    for (std::size_t position = 0; position < tokens.inputIds.size(); ++position) {
        const int word = tokens.wordOfPosition[position];
        const bool isMasked = masked.maskedInputIds[position] != tokens.inputIds[position];
        std::ostringstream row;
        row << std::left << std::setw(5) << position << std::setw(17) << tokenizer.tokenOf(tokens.inputIds[position])
            << std::setw(7) << tokens.inputIds[position] << std::setw(6) << tokens.attentionMask[position]
            << std::setw(11) << masked.maskedInputIds[position]
            << (word >= 0 ? tokens.words[static_cast<std::size_t>(word)] : std::string())
            << (isMasked ? "  (masked)" : "");
        std::string line = row.str();
        line.erase(line.find_last_not_of(' ') + 1);
        out << line << '\n';
    }
    std::string result = out.str();
    result.pop_back();
    return result;
}

std::string formatJson(const model::TokenizedText& tokens, const model::MaskedText& masked)
{
    const nlohmann::ordered_json json = {
        {"wordpieces", tokens.wordpieces},
        {"input_ids", tokens.inputIds},
        {"attention_mask", tokens.attentionMask},
        {"masked_input_ids", masked.maskedInputIds},
        {"masked_words", masked.maskedWords},
    };
    return json.dump(2);
}

struct TokenizeOptions {
    std::string text;
    std::string vocabulary;
    bool json = false;
};

int runTokenize(const TokenizeOptions& options)
{
    std::filesystem::path vocabularyPath = options.vocabulary;
    if (vocabularyPath.empty()) {
        auto found = findBundledResource("vocab/bert-base-uncased-vocab.txt", "--vocab FILE");
        if (!found) {
            std::cerr << "refermap-cli: error: " << found.error().message() << '\n';
            return ExitFailure;
        }
        vocabularyPath = *found;
    }
    spdlog::debug("tokenize: vocabulary '{}'", vocabularyPath.string());
    auto tokenizer = model::WordpieceTokenizer::fromVocabularyFile(vocabularyPath);
    if (!tokenizer) {
        // A vocabulary that is missing, a folder or malformed is an input problem, not a usage error.
        std::cerr << "refermap-cli: error: " << tokenizer.error().message() << '\n';
        return ExitFailure;
    }
    const model::TokenizedText tokens = tokenizer->encode(options.text, tokenCount);
    const model::MaskedText masked = model::NounPhraseMasker::builtin().mask(tokens);
    if (options.json)
        std::cout << formatJson(tokens, masked) << '\n';
    else
        std::cout << formatText(options.text, *tokenizer, tokens, masked) << '\n';
    return ExitSuccess;
}

} // namespace

Command addTokenizeCommand(CLI::App& app)
{
    auto options = std::make_shared<TokenizeOptions>();
    CLI::App* command = app.add_subcommand("tokenize",
        "Show how the model reads an expression: BERT wordpieces, the 20 token ids, the attention mask, "
        "and the ids with the referent's noun phrase masked.");
    command->add_option("TEXT", options->text, "The referring expression, e.g. \"the white storage tanks\"")
        ->required();
    command->add_flag("--json", options->json, "Print JSON for scripts instead of text");
    command->add_option("--vocab", options->vocabulary,
        "WordPiece vocabulary, one token per line (default: the bundled bert-base-uncased vocabulary)");
    return {command, [options]() { return runTokenize(*options); }};
}

} // namespace refermap::cli
