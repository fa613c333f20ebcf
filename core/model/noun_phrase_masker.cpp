#include "model/noun_phrase_masker.h"

#include <spdlog/spdlog.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace refermap::model {

namespace detail {
// data/noun_lexicon.txt, embedded by data/embed_text.cmake (see text.cmake).
const std::string& nounLexiconText();
} // namespace detail

namespace {

// The word classes of data/noun_lexicon.txt (see make_noun_lexicon.py for their meaning).
enum WordFlag : std::uint16_t {
    Noun = 1 << 0, // n
    Adjective = 1 << 1, // a
    Position = 1 << 2, // p
    Verb = 1 << 3, // v: a verb form after a noun
    Quantity = 1 << 4, // q: "a group of ..."
    Closed = 1 << 5, // d: determiner, number, pronoun, auxiliary, conjunction
    Relation = 1 << 6, // r: starts a relation
    LeadIn = 1 << 7, // l: "find", "segment" as first word
};

std::uint16_t flagOf(char letter)
{
    switch (letter) {
    case 'n':
        return Noun;
    case 'a':
        return Adjective;
    case 'p':
        return Position;
    case 'v':
        return Verb;
    case 'q':
        return Quantity;
    case 'd':
        return Closed;
    case 'r':
        return Relation;
    case 'l':
        return LeadIn;
    default:
        return 0;
    }
}

bool endsWith(std::string_view word, std::string_view suffix)
{
    return word.size() >= suffix.size() && word.substr(word.size() - suffix.size()) == suffix;
}

enum class Kind {
    Content, // a word: noun, adjective, unknown …
    Closed, // determiner, number, pronoun, auxiliary, conjunction
    Relation, // a word that starts a relation
    Joiner, // a hyphen inside a phrase ("lower-left", "basketball-court")
    Quote, // quotation marks: transparent
    Punctuation, // anything else that is not a letter or digit; ends a phrase
};

struct WordInfo {
    Kind kind = Kind::Content;
    std::uint16_t flags = 0; // the lexicon's classes of the word (and of its singular)
    std::string lemma; // the singular when a plural was lemmatised, else the word
    bool inflected = false; // lemma differs from the word by a plural / third-person ending
    bool inCompound = false; // part of a dataset compound ("ground track field")
    bool known() const { return flags != 0 || inCompound; }
    bool nounCapable() const { return inCompound || (flags & Noun) != 0; }
};

enum class Role { Modifier, Noun, Stop };

// The code point of a word made of exactly one code point, else -1.
UChar32 singleCodePoint(const std::string& word)
{
    int32_t offset = 0;
    UChar32 c = 0;
    const auto length = static_cast<int32_t>(word.size());
    if (length == 0)
        return -1;
    U8_NEXT(word.data(), offset, length, c);
    return offset == length ? c : -1;
}

} // namespace

namespace detail {

struct NounLexicon {
    std::unordered_map<std::string, std::uint16_t> flags;
    std::unordered_map<std::string, std::string> irregularPlurals;
    std::vector<std::vector<std::string>> compounds; // longest first
    std::size_t entries = 0;

    std::uint16_t flagsOf(const std::string& word) const
    {
        const auto found = flags.find(word);
        return found == flags.end() ? 0 : found->second;
    }

    // The singular of a plural (or the base of a third-person -s form) that the lexicon knows as a
    // noun: irregular plurals from WordNet, then -s, -es and -ies.
    std::string singularOf(const std::string& word) const
    {
        if (const auto irregular = irregularPlurals.find(word); irregular != irregularPlurals.end())
            return irregular->second;
        std::vector<std::string> candidates;
        if (endsWith(word, "s") && !endsWith(word, "ss"))
            candidates.push_back(word.substr(0, word.size() - 1));
        if (endsWith(word, "es"))
            candidates.push_back(word.substr(0, word.size() - 2));
        if (endsWith(word, "ies"))
            candidates.push_back(word.substr(0, word.size() - 3) + "y");
        for (const std::string& candidate : candidates) {
            if (candidate.size() >= 2 && (flagsOf(candidate) & Noun) != 0)
                return candidate;
        }
        return {};
    }
};

} // namespace detail

namespace {

std::shared_ptr<const detail::NounLexicon> parseLexicon(const std::string& text);

} // namespace

NounPhraseMasker::NounPhraseMasker(std::shared_ptr<const detail::NounLexicon> lexicon)
    : lexicon_(std::move(lexicon))
{ }

NounPhraseMasker::NounPhraseMasker(NounPhraseMasker&&) noexcept = default;
NounPhraseMasker& NounPhraseMasker::operator=(NounPhraseMasker&&) noexcept = default;
NounPhraseMasker::~NounPhraseMasker() = default;

const NounPhraseMasker& NounPhraseMasker::builtin()
{
    static const NounPhraseMasker masker(parseLexicon(detail::nounLexiconText()));
    return masker;
}

std::size_t NounPhraseMasker::lexiconSize() const
{
    return lexicon_->entries;
}

namespace {

std::shared_ptr<const detail::NounLexicon> parseLexicon(const std::string& text)
{
    auto lexicon = std::make_shared<detail::NounLexicon>();
    std::size_t lineStart = 0;
    std::size_t lineNumber = 0;
    while (lineStart < text.size()) {
        std::size_t lineEnd = text.find('\n', lineStart);
        if (lineEnd == std::string::npos)
            lineEnd = text.size();
        std::string_view line(text.data() + lineStart, lineEnd - lineStart);
        lineStart = lineEnd + 1;
        ++lineNumber;
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        if (line.empty() || line.front() == '#')
            continue;
        ++lexicon->entries;
        const std::size_t tab = line.find('\t');
        const std::string word(line.substr(0, tab));
        const std::string_view classes = tab == std::string_view::npos ? std::string_view() : line.substr(tab + 1);
        if (word.find(' ') != std::string::npos) {
            std::vector<std::string> parts;
            std::size_t start = 0;
            while (start <= word.size()) {
                std::size_t end = word.find(' ', start);
                if (end == std::string::npos)
                    end = word.size();
                if (end > start)
                    parts.push_back(word.substr(start, end - start));
                start = end + 1;
            }
            lexicon->compounds.push_back(std::move(parts));
        } else if (!classes.empty() && classes.front() == '=') {
            lexicon->irregularPlurals.emplace(word, std::string(classes.substr(1)));
        } else {
            std::uint16_t flags = classes.empty() ? Noun : 0;
            for (char letter : classes) {
                const std::uint16_t flag = flagOf(letter);
                if (flag == 0)
                    spdlog::warn("noun lexicon line {}: unknown word class '{}' for '{}'", lineNumber, letter, word);
                flags |= flag;
            }
            lexicon->flags[word] |= flags;
        }
    }
    std::stable_sort(lexicon->compounds.begin(), lexicon->compounds.end(),
        [](const auto& a, const auto& b) { return a.size() > b.size(); });
    spdlog::debug("noun lexicon: {} entries, {} compounds", lexicon->entries, lexicon->compounds.size());
    return lexicon;
}

bool isQuote(UChar32 c)
{
    switch (c) {
    case '"':
    case '\'':
    case '`':
    case 0x2018: // ‘
    case 0x2019: // ’
    case 0x201C: // “
    case 0x201D: // ”
    case 0x201E: // „
    case 0x00AB: // «
    case 0x00BB: // »
        return true;
    default:
        return false;
    }
}

std::vector<WordInfo> analyse(const detail::NounLexicon& lexicon, const std::vector<std::string>& words)
{
    std::vector<WordInfo> infos(words.size());
    for (std::size_t i = 0; i < words.size(); ++i) {
        const std::string& word = words[i];
        WordInfo& info = infos[i];
        info.lemma = word;
        const UChar32 single = singleCodePoint(word);
        if (single >= 0 && !u_isalnum(single)) {
            if (single == '-' || single == 0x2010 || single == 0x2011) {
                info.kind = Kind::Joiner;
            } else if (isQuote(single)) {
                // "station ' s": an apostrophe before "s" is a possessive and ends the phrase.
                const bool possessive
                    = (single == '\'' || single == 0x2019) && i + 1 < words.size() && words[i + 1] == "s";
                info.kind = possessive ? Kind::Punctuation : Kind::Quote;
            } else {
                info.kind = Kind::Punctuation;
            }
            continue;
        }
        if (std::any_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; })) {
            info.kind = Kind::Closed; // "2", "3rd", "a12"
            continue;
        }
        info.flags = lexicon.flagsOf(word);
        if ((info.flags & (Closed | Relation)) == 0 && (info.flags & Noun) == 0) {
            const std::string singular = lexicon.singularOf(word);
            if (!singular.empty()) {
                info.lemma = singular;
                info.inflected = true;
                info.flags |= lexicon.flagsOf(singular);
            }
        }
        if ((info.flags & Closed) != 0)
            info.kind = Kind::Closed;
        else if ((info.flags & Relation) != 0)
            info.kind = Kind::Relation;
    }

    // Dataset compounds, longest first, matched on the singular ("storage tanks"), across hyphens.
    for (std::size_t i = 0; i < infos.size(); ++i) {
        if (infos[i].kind != Kind::Content || infos[i].inCompound)
            continue;
        for (const auto& compound : lexicon.compounds) {
            std::vector<std::size_t> matched;
            std::size_t j = i;
            for (const std::string& part : compound) {
                while (j < infos.size() && infos[j].kind == Kind::Joiner && !matched.empty())
                    ++j;
                if (j >= infos.size() || infos[j].kind != Kind::Content
                    || (words[j] != part && infos[j].lemma != part)) {
                    matched.clear();
                    break;
                }
                matched.push_back(j++);
            }
            if (!matched.empty()) {
                for (std::size_t m : matched)
                    infos[m].inCompound = true;
                break;
            }
        }
    }
    return infos;
}

// The next content word after `index`, skipping hyphens and quotes; -1 when none comes first.
int nextContent(const std::vector<WordInfo>& infos, std::size_t index)
{
    for (std::size_t j = index + 1; j < infos.size(); ++j) {
        if (infos[j].kind == Kind::Joiner || infos[j].kind == Kind::Quote)
            continue;
        return infos[j].kind == Kind::Content ? static_cast<int>(j) : -1;
    }
    return -1;
}

Role roleOf(
    const std::vector<WordInfo>& infos, const std::vector<std::string>& words, std::size_t index, bool afterNoun)
{
    const WordInfo& info = infos[index];
    if (info.inCompound)
        return Role::Noun;
    if (!afterNoun) {
        if ((info.flags & Position) != 0)
            return Role::Modifier; // "the upper left building"; a phrase of positions only is skipped
        if (!info.nounCapable())
            return Role::Modifier; // an adjective or an unknown word
        // Noun or adjective: the adjective reading when a noun or another adjective follows ("concrete
        // road", "light gray building"), the noun reading in head position.
        const int next = nextContent(infos, index);
        if ((info.flags & Adjective) != 0 && next >= 0
            && (infos[static_cast<std::size_t>(next)].nounCapable()
                || (infos[static_cast<std::size_t>(next)].flags & Adjective) != 0))
            return Role::Modifier;
        return Role::Noun;
    }
    if ((info.flags & Position) != 0)
        return Role::Stop; // "the vehicle left of the building"
    if ((info.flags & Verb) != 0 && (info.inflected || endsWith(words[index], "ing")))
        return Role::Stop; // "the ship lies", "van driving"
    return info.nounCapable() ? Role::Noun : Role::Stop;
}

} // namespace

std::vector<int> NounPhraseMasker::referentIndices(const std::vector<std::string>& words) const
{
    const std::vector<WordInfo> infos = analyse(*lexicon_, words);
    const std::size_t count = infos.size();
    std::size_t i = 0;
    // "find the ...", "segment all ...": a lead-in verb as first word, unless a relation follows it
    // ("mark on the road").
    if (count > 1 && (infos[0].flags & LeadIn) != 0 && infos[1].kind != Kind::Relation)
        i = 1;

    while (i < count) {
        for (; i < count && infos[i].kind != Kind::Content; ++i) {
            // "the one near the road", "the big one on the left": the referent is the pronoun "one"
            // (a number only when a word follows it, "one white car"); what comes after is context.
            if ((words[i] == "one" || words[i] == "ones") && nextContent(infos, i) != static_cast<int>(i + 1))
                return {};
        }
        if (i >= count)
            break;

        std::vector<std::pair<std::size_t, Role>> phrase;
        bool afterNoun = false;
        std::size_t j = i;
        for (; j < count; ++j) {
            const Kind kind = infos[j].kind;
            if (kind == Kind::Quote)
                continue;
            if (kind == Kind::Joiner) {
                if (!phrase.empty() && nextContent(infos, j) == static_cast<int>(j + 1))
                    continue;
                break;
            }
            if (kind != Kind::Content)
                break;
            const Role role = roleOf(infos, words, j, afterNoun);
            if (role == Role::Stop)
                break;
            phrase.emplace_back(j, role);
            afterNoun = afterNoun || role == Role::Noun;
        }
        const std::size_t end = j;

        std::vector<int> head;
        for (auto word = phrase.rbegin(); word != phrase.rend() && word->second == Role::Noun; ++word)
            head.insert(head.begin(), static_cast<int>(word->first));
        if (!head.empty()) {
            // "a group of cars", "two rows of trees": the referent is what follows "of".
            const WordInfo& only = infos[static_cast<std::size_t>(head.front())];
            if (head.size() == 1 && (only.flags & Quantity) != 0 && !only.inCompound && end < count
                && words[end] == "of") {
                i = end + 1;
                continue;
            }
            return head;
        }
        // No noun: an unknown English-looking last word is most likely a noun the lexicon lacks ("the
        // airplnae"); a phrase of known adjectives and position words ("on the left, ...") is not the
        // referent, and neither is a single letter or a word in another script.
        if (!phrase.empty()) {
            const std::size_t last = phrase.back().first;
            const std::string& word = words[last];
            const bool latinWord = word.size() >= 2
                && std::all_of(word.begin(), word.end(), [](char c) { return c >= 'a' && c <= 'z'; });
            if (!infos[last].known() && latinWord)
                return {static_cast<int>(last)};
        }
        i = end;
    }
    return {};
}

std::vector<std::string> NounPhraseMasker::referentWords(const std::vector<std::string>& words) const
{
    std::vector<std::string> referent;
    for (int index : referentIndices(words))
        referent.push_back(words[static_cast<std::size_t>(index)]);
    return referent;
}

MaskedText NounPhraseMasker::mask(const TokenizedText& tokens) const
{
    MaskedText masked;
    masked.maskedInputIds = tokens.inputIds;
    for (int index : referentIndices(tokens.words)) {
        bool present = false;
        for (std::size_t position = 0; position < tokens.wordOfPosition.size(); ++position) {
            if (tokens.wordOfPosition[position] == index && position < masked.maskedInputIds.size()) {
                masked.maskedInputIds[position] = WordpieceTokenizer::padId;
                present = true;
            }
        }
        if (present)
            masked.maskedWords.push_back(tokens.words[static_cast<std::size_t>(index)]);
    }
    return masked;
}

} // namespace refermap::model
