#include "model/backbone_importer.h"

#include "model/model_file.h"

#include <torch/nn/functional/upsampling.h>
#include <torch/utils.h>
#include <torch/types.h>

#include <cmath>
#include <regex>
#include <utility>
#include <vector>

namespace refermap::model {

namespace {

constexpr std::size_t listedUnknownKeys = 20;
// Longer keys are unknown without asking std::regex, whose matcher recurses per character.
constexpr std::size_t longestKnownKey = 200;

bool startsWith(const std::string& text, const std::string& prefix)
{
    return text.compare(0, prefix.size(), prefix) == 0;
}

bool endsWith(const std::string& text, const std::string& suffix)
{
    return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

Error unknownKeysError(const SafetensorsFile& file, const std::string& what, const std::vector<std::string>& keys)
{
    std::string list;
    for (std::size_t i = 0; i < keys.size() && i < listedUnknownKeys; ++i)
        list += (i ? ", " : "") + keys[i];
    if (keys.size() > listedUnknownKeys)
        list += ", … and " + std::to_string(keys.size() - listedUnknownKeys) + " more";
    return Error(ErrorCode::InvalidData,
        std::to_string(keys.size()) + " key(s) the importer does not know in the " + what + " checkpoint")
        .withFile(file.origin())
        .withDetail(list);
}

// timm's Swin parameter names as BTDDNet registers them (timm >= 0.9: merging at the start of a stage).
const std::regex& swinParameterPattern()
{
    static const std::regex pattern(
        R"(patch_embed\.(proj|norm)\.(weight|bias))"
        R"(|layers\.\d{1,4}\.blocks\.\d{1,4}\.(norm1|attn\.qkv|attn\.proj|norm2|mlp\.fc1|mlp\.fc2)\.(weight|bias))"
        R"(|layers\.\d{1,4}\.blocks\.\d{1,4}\.attn\.relative_position_bias_table)"
        R"(|layers\.\d{1,4}\.downsample\.norm\.(weight|bias))"
        R"(|layers\.\d{1,4}\.downsample\.reduction\.weight)");
    return pattern;
}

// HuggingFace BertModel parameter names (after "bert." is stripped and gamma/beta renamed).
const std::regex& bertParameterPattern()
{
    static const std::regex pattern(R"(embeddings\.(word|position|token_type)_embeddings\.weight)"
                                    R"(|embeddings\.LayerNorm\.(weight|bias))"
                                    R"(|encoder\.layer\.\d{1,4}\.attention\.self\.(query|key|value)\.(weight|bias))"
                                    R"(|encoder\.layer\.\d{1,4}\.attention\.output\.(dense|LayerNorm)\.(weight|bias))"
                                    R"(|encoder\.layer\.\d{1,4}\.intermediate\.dense\.(weight|bias))"
                                    R"(|encoder\.layer\.\d{1,4}\.output\.(dense|LayerNorm)\.(weight|bias))");
    return pattern;
}

bool droppedSwinKey(const std::string& key)
{
    return startsWith(key, "head.") || startsWith(key, "norm.") || endsWith(key, ".relative_position_index")
        || endsWith(key, ".attn_mask");
}

// Resizes a [(2w-1)^2, heads] relative-position bias table to the target window by bicubic
// interpolation over the (2w-1) x (2w-1) grid, as timm does when a window size changes.
Result<torch::Tensor> resizeBiasTable(
    const SafetensorsFile& file, const std::string& key, const torch::Tensor& table, int targetWindow)
{
    if (table.dim() != 2 || table.size(0) < 1 || table.size(1) < 1) {
        return Error(ErrorCode::InvalidData, "a relative-position bias table is not a [(2w-1)^2, heads] matrix")
            .withFile(file.origin())
            .withKey(key);
    }
    const std::int64_t rows = table.size(0);
    const auto side = static_cast<std::int64_t>(std::llround(std::sqrt(static_cast<double>(rows))));
    if (side * side != rows || side % 2 == 0) {
        return Error(ErrorCode::InvalidData,
            "a relative-position bias table has " + std::to_string(rows) + " rows, not (2w-1)^2 for a window w")
            .withFile(file.origin())
            .withKey(key);
    }
    const std::int64_t targetSide = 2 * static_cast<std::int64_t>(targetWindow) - 1;
    if (side == targetSide)
        return table;
    const std::int64_t heads = table.size(1);
    try {
        namespace F = torch::nn::functional;
        const torch::Tensor grid = table.to(torch::kFloat32).t().contiguous().view({1, heads, side, side});
        const torch::Tensor resized = F::interpolate(grid,
            F::InterpolateFuncOptions()
                .size(std::vector<std::int64_t> {targetSide, targetSide})
                .mode(torch::kBicubic)
                .align_corners(false));
        return resized.view({heads, targetSide * targetSide}).t().contiguous();
    } catch (const std::exception& e) {
        return Error(ErrorCode::Internal, "cannot resize the relative-position bias table")
            .withFile(file.origin())
            .withKey(key)
            .withDetail(e.what());
    }
}

} // namespace

Result<std::map<std::string, torch::Tensor>> importTimmSwin(const SafetensorsFile& file, int targetWindow)
{
    if (targetWindow < 1) {
        return Error(
            ErrorCode::InvalidArgument, "the target window size must be positive, not " + std::to_string(targetWindow))
            .withFile(file.origin());
    }
    auto tensors = readTensors(file);
    if (!tensors)
        return tensors.error();

    // The older timm layout merges patches at the END of stage s (layers.{s}.downsample, s = 0..2);
    // a stage 0 merge exists only there.
    bool oldLayout = false;
    for (const auto& [key, tensor] : *tensors)
        oldLayout = oldLayout || startsWith(key, "layers.0.downsample.");
    static const std::regex downsamplePattern(R"(layers\.(\d{1,4})\.downsample\.(.*))");

    std::map<std::string, torch::Tensor> imported;
    std::vector<std::string> unknown;
    for (auto& [key, tensor] : *tensors) {
        if (droppedSwinKey(key))
            continue;
        if (key.size() > longestKnownKey || !std::regex_match(key, swinParameterPattern())) {
            unknown.push_back(key);
            continue;
        }
        std::string name = key;
        std::smatch match;
        if (oldLayout && std::regex_match(key, match, downsamplePattern))
            name = "layers." + std::to_string(std::stoi(match[1].str()) + 1) + ".downsample." + match[2].str();
        if (endsWith(key, ".relative_position_bias_table")) {
            auto resized = resizeBiasTable(file, key, tensor, targetWindow);
            if (!resized)
                return resized.error();
            tensor = *resized;
        }
        if (!imported.emplace("swin." + name, tensor).second) {
            return Error(ErrorCode::InvalidData,
                "two checkpoint keys map to the same Swin parameter 'swin." + name
                    + "' (a mix of old and new timm layouts?)")
                .withFile(file.origin())
                .withKey(key);
        }
    }
    if (!unknown.empty())
        return unknownKeysError(file, "timm Swin", unknown);
    if (imported.empty())
        return Error(ErrorCode::InvalidData, "the file holds no Swin parameters").withFile(file.origin());
    return imported;
}

Result<std::map<std::string, torch::Tensor>> importHuggingFaceBert(const SafetensorsFile& file)
{
    auto tensors = readTensors(file);
    if (!tensors)
        return tensors.error();

    std::map<std::string, torch::Tensor> imported;
    std::vector<std::string> unknown;
    for (auto& [key, tensor] : *tensors) {
        if (startsWith(key, "cls.") || endsWith(key, "position_ids"))
            continue;
        std::string name = startsWith(key, "bert.") ? key.substr(5) : key;
        if (startsWith(name, "pooler."))
            continue;
        if (endsWith(name, ".LayerNorm.gamma"))
            name = name.substr(0, name.size() - 5) + "weight";
        else if (endsWith(name, ".LayerNorm.beta"))
            name = name.substr(0, name.size() - 4) + "bias";
        if (key.size() > longestKnownKey || !std::regex_match(name, bertParameterPattern())) {
            unknown.push_back(key);
            continue;
        }
        if (!imported.emplace("bert." + name, tensor).second) {
            return Error(
                ErrorCode::InvalidData, "two checkpoint keys map to the same BERT parameter 'bert." + name + "'")
                .withFile(file.origin())
                .withKey(key);
        }
    }
    if (!unknown.empty())
        return unknownKeysError(file, "HuggingFace BERT", unknown);
    if (imported.empty())
        return Error(ErrorCode::InvalidData, "the file holds no BERT parameters").withFile(file.origin());
    return imported;
}

Result<LoadedBtddnet> assembleBtddnet(const BtddnetConfig& config, const std::filesystem::path& swinPath,
                                      const std::filesystem::path& bertPath,
                                      const std::filesystem::path& vocabularyPath, std::uint64_t seed)
{
    if (auto valid = config.validate(); !valid)
        return valid.error();
    auto tokenizer = WordpieceTokenizer::fromVocabularyFile(vocabularyPath);
    if (!tokenizer)
        return tokenizer.error();
    if (static_cast<int>(tokenizer->size()) != config.bert.vocabularySize)
        return Error(ErrorCode::InvalidArgument, "the vocabulary does not fit the model configuration")
            .withFile(vocabularyPath.string())
            .withDetail(std::to_string(tokenizer->size()) + " tokens for bert.vocabularySize "
                        + std::to_string(config.bert.vocabularySize));
    auto swinFile = SafetensorsFile::open(swinPath);
    if (!swinFile)
        return swinFile.error();
    auto swin = importTimmSwin(*swinFile, config.swin.window);
    if (!swin)
        return swin.error();
    auto bertFile = SafetensorsFile::open(bertPath);
    if (!bertFile)
        return bertFile.error();
    auto bert = importHuggingFaceBert(*bertFile);
    if (!bert)
        return bert.error();

    std::map<std::string, torch::Tensor> state = std::move(*swin);
    state.merge(std::move(*bert));
    torch::manual_seed(seed);
    auto built = captureErrors([&] { return Btddnet(config); });
    if (!built)
        return built.error();
    // The backbones must be complete; only BTDDNet's own parts start from their initialisation.
    const std::vector<std::string> ownParts{"bsc.", "feature_norms.", "mci.", "predictor.", "rephrase."};
    if (auto loaded = loadStateStrict(**built, state, ownParts); !loaded)
        return loaded.error().withFile(swinPath.string() + " + " + bertPath.string());
    (*built)->eval();
    std::map<std::string, std::string> provenance{
        {"swin_checkpoint", swinPath.filename().string()},
        {"bert_checkpoint", bertPath.filename().string()},
        {"vocabulary_file", vocabularyPath.filename().string()},
        {"init_seed", std::to_string(seed)},
    };
    return LoadedBtddnet{std::move(*built), std::move(*tokenizer), std::move(provenance)};
}

} // namespace refermap::model
