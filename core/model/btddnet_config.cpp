#include "model/btddnet_config.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <set>

namespace refermap::model {

using nlohmann::json;

BtddnetConfig BtddnetConfig::base()
{
    return BtddnetConfig{};
}

BtddnetConfig BtddnetConfig::tiny()
{
    BtddnetConfig config;
    config.swin.embedDim = 32;
    config.swin.depths = {1, 1, 2, 1};
    config.swin.heads = {1, 2, 4, 8};
    config.swin.window = 7;
    config.swin.dropPath = 0.1;
    config.bert.vocabularySize = 30522;
    config.bert.hidden = 64;
    config.bert.layers = 4;
    config.bert.heads = 4;
    config.bert.intermediate = 128;
    config.bert.maxPositions = 64;
    config.decoderDim = 32;
    config.mciHeads = 4;
    config.imageSize = 128;
    return config;
}

namespace {

Error invalid(const std::string& key, const std::string& why)
{
    return Error(ErrorCode::InvalidArgument, "invalid model configuration").withKey(key).withDetail(why);
}

} // namespace

Result<void> BtddnetConfig::validate() const
{
    if (stages < 1 || stages > 8)
        return invalid("stages", "must be between 1 and 8");
    if (static_cast<int>(swin.depths.size()) != stages || static_cast<int>(swin.heads.size()) != stages)
        return invalid("swin.depths", "swin.depths and swin.heads need one entry per stage");
    if (swin.patchSize < 1 || swin.inChannels < 1 || swin.window < 1 || swin.mlpRatio <= 0)
        return invalid("swin", "patch size, channels, window and MLP ratio must be positive");
    if (swin.dropPath < 0 || swin.dropPath >= 1)
        return invalid("swin.drop_path", "must be in [0, 1)");
    for (int stage = 0; stage < stages; ++stage) {
        if (swin.depths[stage] < 1)
            return invalid("swin.depths", "every stage needs at least one block");
        if (swin.heads[stage] < 1 || swin.stageChannels(stage) % swin.heads[stage] != 0)
            return invalid("swin.heads", "stage " + std::to_string(stage) + "'s channels ("
                                             + std::to_string(swin.stageChannels(stage))
                                             + ") must be divisible by its heads");
    }
    if (stages < 2)
        return invalid("stages", "the decoder needs at least two stages");
    if (bert.hidden < 1 || bert.heads < 1 || bert.hidden % bert.heads != 0)
        return invalid("bert.heads", "hidden size must be divisible by the number of heads");
    if (bert.layers < stages || bert.layers % stages != 0)
        return invalid("bert.layers", "must be a positive multiple of the number of stages");
    if (bert.vocabularySize < 104)
        return invalid("bert.vocabulary_size", "must hold the special tokens (ids 0 to 103)");
    if (bert.maxPositions < maxTokens)
        return invalid("bert.max_positions", "must be at least max_tokens");
    if (maxTokens < 2)
        return invalid("max_tokens", "must be at least 2");
    if (decoderDim < 1 || mciHeads < 1 || decoderDim % mciHeads != 0)
        return invalid("mci_heads", "decoder_dim must be divisible by mci_heads");
    if (mciLayers < 1)
        return invalid("mci_layers", "must be at least 1");
    if (backgroundTokens < 1)
        return invalid("background_tokens", "must be at least 1");
    if (imageSize < swin.patchSize)
        return invalid("image_size", "must be at least one patch");
    auto positiveKernels = [](const std::vector<int>& kernels) {
        if (kernels.empty())
            return false;
        for (int k : kernels)
            if (k < 1 || k > 15)
                return false;
        return true;
    };
    if (!positiveKernels(bscVisionKernels))
        return invalid("bsc_vision_kernels", "needs 1 to 15 pixel windows");
    for (int k : bscVisionKernels)
        if (k % 2 == 0)
            return invalid("bsc_vision_kernels", "pixel windows must be odd (centred)");
    if (!positiveKernels(bscTextKernels))
        return invalid("bsc_text_kernels", "needs 1 to 15 token windows");
    if (bscNeighbourhood != "full" && bscNeighbourhood != "depthwise")
        return invalid("bsc_neighbourhood", "must be 'full' or 'depthwise'");
    if (rephraseTarget != "final_text" && rephraseTarget != "embeddings")
        return invalid("rephrase_target", "must be 'final_text' or 'embeddings'");
    if (foregroundWeight <= 0 || foregroundWeight >= 1)
        return invalid("foreground_weight", "must be in (0, 1)");
    if (rephraseWeight < 0)
        return invalid("rephrase_weight", "must not be negative");
    if (imageMean.size() != static_cast<std::size_t>(swin.inChannels)
        || imageStd.size() != static_cast<std::size_t>(swin.inChannels))
        return invalid("image_mean", "image_mean and image_std need one value per input channel");
    for (double s : imageStd)
        if (s <= 0)
            return invalid("image_std", "must be positive");
    return {};
}

std::string BtddnetConfig::toJson() const
{
    json root;
    root["swin"] = {{"patch_size", swin.patchSize},   {"in_channels", swin.inChannels},
                    {"embed_dim", swin.embedDim},     {"depths", swin.depths},
                    {"heads", swin.heads},            {"window", swin.window},
                    {"mlp_ratio", swin.mlpRatio},     {"drop_path", swin.dropPath},
                    {"layer_norm_eps", swin.layerNormEps}};
    root["bert"] = {{"vocabulary_size", bert.vocabularySize},
                    {"hidden", bert.hidden},
                    {"layers", bert.layers},
                    {"heads", bert.heads},
                    {"intermediate", bert.intermediate},
                    {"max_positions", bert.maxPositions},
                    {"type_vocabulary_size", bert.typeVocabularySize},
                    {"layer_norm_eps", bert.layerNormEps},
                    {"hidden_dropout", bert.hiddenDropout},
                    {"attention_dropout", bert.attentionDropout}};
    root["stages"] = stages;
    root["decoder_dim"] = decoderDim;
    root["max_tokens"] = maxTokens;
    root["image_size"] = imageSize;
    root["bsc_vision_kernels"] = bscVisionKernels;
    root["bsc_text_kernels"] = bscTextKernels;
    root["bsc_neighbourhood"] = bscNeighbourhood;
    root["mci_layers"] = mciLayers;
    root["mci_heads"] = mciHeads;
    root["background_tokens"] = backgroundTokens;
    root["foreground_weight"] = foregroundWeight;
    root["rephrase_weight"] = rephraseWeight;
    root["rephrase_target"] = rephraseTarget;
    root["image_mean"] = imageMean;
    root["image_std"] = imageStd;
    return root.dump(2);
}

namespace {

// Reads `object[key]` into `target` when present; records the key as known.
class Reader {
public:
    Reader(const json& object, std::string prefix)
        : object_(object)
        , prefix_(std::move(prefix))
    {
    }

    template <typename T>
    void read(const char* key, T& target)
    {
        known_.insert(key);
        if (!error_ && object_.contains(key)) {
            try {
                target = object_.at(key).get<T>();
            } catch (const json::exception& e) {
                error_ = invalid(prefix_ + key, std::string("wrong type: ") + e.what());
            }
        }
    }
    void known(const char* key) { known_.insert(key); }

    // The first problem seen: a wrong type or a key nobody reads.
    std::optional<Error> finish() const
    {
        if (error_)
            return error_;
        for (const auto& item : object_.items())
            if (!known_.count(item.key()))
                return invalid(prefix_ + item.key(), "unknown configuration key");
        return std::nullopt;
    }

private:
    const json& object_;
    std::string prefix_;
    std::set<std::string> known_;
    std::optional<Error> error_;
};

} // namespace

Result<BtddnetConfig> BtddnetConfig::fromJson(const std::string& text)
{
    json root;
    try {
        root = json::parse(text);
    } catch (const json::exception& e) {
        return Error(ErrorCode::InvalidData, "the model configuration is not valid JSON").withDetail(e.what());
    }
    if (!root.is_object())
        return Error(ErrorCode::InvalidData, "the model configuration must be a JSON object");

    BtddnetConfig config;
    Reader top(root, "");
    if (root.contains("swin")) {
        if (!root["swin"].is_object())
            return invalid("swin", "must be an object");
        Reader swin(root["swin"], "swin.");
        swin.read("patch_size", config.swin.patchSize);
        swin.read("in_channels", config.swin.inChannels);
        swin.read("embed_dim", config.swin.embedDim);
        swin.read("depths", config.swin.depths);
        swin.read("heads", config.swin.heads);
        swin.read("window", config.swin.window);
        swin.read("mlp_ratio", config.swin.mlpRatio);
        swin.read("drop_path", config.swin.dropPath);
        swin.read("layer_norm_eps", config.swin.layerNormEps);
        if (auto problem = swin.finish())
            return *problem;
    }
    if (root.contains("bert")) {
        if (!root["bert"].is_object())
            return invalid("bert", "must be an object");
        Reader bert(root["bert"], "bert.");
        bert.read("vocabulary_size", config.bert.vocabularySize);
        bert.read("hidden", config.bert.hidden);
        bert.read("layers", config.bert.layers);
        bert.read("heads", config.bert.heads);
        bert.read("intermediate", config.bert.intermediate);
        bert.read("max_positions", config.bert.maxPositions);
        bert.read("type_vocabulary_size", config.bert.typeVocabularySize);
        bert.read("layer_norm_eps", config.bert.layerNormEps);
        bert.read("hidden_dropout", config.bert.hiddenDropout);
        bert.read("attention_dropout", config.bert.attentionDropout);
        if (auto problem = bert.finish())
            return *problem;
    }
    top.known("swin");
    top.known("bert");
    top.read("stages", config.stages);
    top.read("decoder_dim", config.decoderDim);
    top.read("max_tokens", config.maxTokens);
    top.read("image_size", config.imageSize);
    top.read("bsc_vision_kernels", config.bscVisionKernels);
    top.read("bsc_text_kernels", config.bscTextKernels);
    top.read("bsc_neighbourhood", config.bscNeighbourhood);
    top.read("mci_layers", config.mciLayers);
    top.read("mci_heads", config.mciHeads);
    top.read("background_tokens", config.backgroundTokens);
    top.read("foreground_weight", config.foregroundWeight);
    top.read("rephrase_weight", config.rephraseWeight);
    top.read("rephrase_target", config.rephraseTarget);
    top.read("image_mean", config.imageMean);
    top.read("image_std", config.imageStd);
    if (auto problem = top.finish())
        return *problem;
    if (auto valid = config.validate(); !valid)
        return valid.error();
    return config;
}

} // namespace refermap::model
