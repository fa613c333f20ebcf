#include "engine/sample_mirror.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>
#include <vector>

namespace refermap::engine {

namespace {

using WordPair = std::pair<std::string_view, std::string_view>;

// Direction words a mirror turns into each other (each pair is swapped both ways). Compass words
// assume a north-up image, which is how rasters are read here.
constexpr std::array kLeftRight{
    WordPair{"left", "right"},           WordPair{"leftmost", "rightmost"},
    WordPair{"east", "west"},            WordPair{"eastern", "western"},
    WordPair{"easternmost", "westernmost"}, WordPair{"eastward", "westward"},
    WordPair{"eastwards", "westwards"},  WordPair{"northeast", "northwest"},
    WordPair{"southeast", "southwest"},  WordPair{"northeastern", "northwestern"},
    WordPair{"southeastern", "southwestern"},
};
constexpr std::array kTopBottom{
    WordPair{"top", "bottom"},           WordPair{"topmost", "bottommost"},
    WordPair{"upper", "lower"},          WordPair{"uppermost", "lowermost"},
    WordPair{"above", "below"},          WordPair{"north", "south"},
    WordPair{"northern", "southern"},    WordPair{"northernmost", "southernmost"},
    WordPair{"northward", "southward"},  WordPair{"northwards", "southwards"},
    WordPair{"northeast", "southeast"},  WordPair{"northwest", "southwest"},
    WordPair{"northeastern", "southeastern"}, WordPair{"northwestern", "southwestern"},
};

template <std::size_t N>
std::string_view mirrored(std::string_view word, const std::array<WordPair, N>& pairs)
{
    for (const auto& [a, b] : pairs) {
        if (word == a)
            return b;
        if (word == b)
            return a;
    }
    return word;
}

// `replacement` spelt with the capitalisation of `original`: all upper case, a capital first
// letter, or lower case.
std::string withCase(std::string_view original, std::string_view replacement)
{
    std::string out(replacement);
    const bool allUpper = original.size() > 1 && std::all_of(original.begin(), original.end(), [](char c) {
                              return std::isupper(static_cast<unsigned char>(c)) != 0;
                          });
    if (allUpper) {
        for (char& c : out)
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    } else if (!original.empty() && std::isupper(static_cast<unsigned char>(original.front())) != 0) {
        out.front() = static_cast<char>(std::toupper(static_cast<unsigned char>(out.front())));
    }
    return out;
}

bool isAsciiLetter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

} // namespace

std::string SampleMirror::apply(std::string_view sentence) const
{
    if (!any())
        return std::string(sentence);
    std::string out;
    out.reserve(sentence.size() + 8);
    std::size_t i = 0;
    while (i < sentence.size()) {
        if (!isAsciiLetter(sentence[i])) {
            out.push_back(sentence[i++]);
            continue;
        }
        std::size_t end = i;
        while (end < sentence.size() && isAsciiLetter(sentence[end]))
            ++end;
        const std::string_view word = sentence.substr(i, end - i);
        std::string lower(word);
        for (char& c : lower)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        // Apply the mirrors one after the other: "northeast" under both becomes "southwest".
        std::string_view result = lower;
        if (horizontal)
            result = mirrored(result, kLeftRight);
        if (vertical)
            result = mirrored(result, kTopBottom);
        if (result == lower)
            out.append(word);
        else
            out += withCase(word, result);
        i = end;
    }
    return out;
}

at::Tensor SampleMirror::apply(const at::Tensor& tensor) const
{
    std::vector<std::int64_t> dims;
    if (vertical)
        dims.push_back(-2);
    if (horizontal)
        dims.push_back(-1);
    return dims.empty() ? tensor : at::flip(tensor, dims);
}

} // namespace refermap::engine
