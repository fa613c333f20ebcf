#include "model/btddnet_file.h"

#include "model/model_file.h"

#include <torch/torch.h>

namespace refermap::model {

Result<void> saveBtddnetFile(const std::filesystem::path& path, const Btddnet& model,
                             const WordpieceTokenizer& tokenizer, const std::map<std::string, std::string>& provenance)
{
    const auto& config = model->config();
    if (static_cast<int>(tokenizer.size()) != config.bert.vocabularySize)
        return Error(ErrorCode::InvalidArgument, "the vocabulary does not fit the model")
            .withFile(path.string())
            .withKey("vocabulary")
            .withDetail(std::to_string(tokenizer.size()) + " tokens for an embedding table of "
                        + std::to_string(config.bert.vocabularySize));
    ModelFile file;
    file.tensors = moduleState(*model);
    file.configJson = config.toJson();
    file.vocabulary = tokenizer.vocabularyText();
    file.provenance = provenance;
    return saveModelFile(path, file);
}

Result<LoadedBtddnet> loadBtddnetFile(const std::filesystem::path& path)
{
    auto file = loadModelFile(path);
    if (!file)
        return file.error();
    auto config = BtddnetConfig::fromJson(file->configJson);
    if (!config)
        return config.error().withFile(path.string());
    auto tokenizer = WordpieceTokenizer::fromVocabularyText(file->vocabulary, path.string() + " (vocabulary)");
    if (!tokenizer)
        return tokenizer.error();
    if (static_cast<int>(tokenizer->size()) != config->bert.vocabularySize)
        return Error(ErrorCode::InvalidData, "the model's vocabulary does not fit its embedding table")
            .withFile(path.string())
            .withKey("vocabulary")
            .withDetail(std::to_string(tokenizer->size()) + " tokens, "
                        + std::to_string(config->bert.vocabularySize) + " embeddings");

    auto built = captureErrors([&] { return Btddnet(*config); });
    if (!built)
        return built.error().withFile(path.string());
    if (auto loaded = loadStateStrict(**built, file->tensors); !loaded)
        return loaded.error().withFile(path.string());
    (*built)->eval();
    return LoadedBtddnet{std::move(*built), std::move(*tokenizer), std::move(file->provenance)};
}

} // namespace refermap::model
