#include "bundled_resource.h"
#include "cli_commands.h"

#include "model/backbone_importer.h"
#include "model/btddnet_config.h"
#include "model/btddnet_file.h"
#include "model/model_file.h"

#include <nlohmann/json.hpp>
#include <spdlog/fmt/fmt.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <system_error>

namespace refermap::cli {

namespace {

int fail(const Error& error)
{
    std::cerr << "refermap-cli: error: " << error.message() << '\n';
    return exitCodeFor(error);
}

std::string joinedInts(const std::vector<int>& values)
{
    std::string text;
    for (int value : values)
        text += (text.empty() ? "" : "/") + std::to_string(value);
    return text;
}

struct InfoOptions {
    std::string file;
    bool json = false;
};

int runInfo(const InfoOptions& options)
{
    auto file = model::loadModelFile(options.file);
    if (!file)
        return fail(file.error());
    auto config = model::BtddnetConfig::fromJson(file->configJson);
    if (!config)
        return fail(config.error().withFile(options.file));
    std::int64_t parameters = 0;
    for (const auto& [name, tensor] : file->tensors)
        parameters += tensor.numel();
    std::error_code status;
    const auto bytes = std::filesystem::file_size(options.file, status);
    std::size_t vocabularySize = 0;
    for (char c : file->vocabulary)
        vocabularySize += c == '\n' ? 1 : 0;
    if (!file->vocabulary.empty() && file->vocabulary.back() != '\n')
        ++vocabularySize;

    if (options.json) {
        nlohmann::ordered_json json = {
            {"file", options.file},
            {"bytes", status ? 0 : bytes},
            {"format_version", model::ModelFile::currentFormatVersion},
            {"tensors", file->tensors.size()},
            {"parameters", parameters},
            {"vocabulary_size", vocabularySize},
            {"config", nlohmann::json::parse(file->configJson)},
            {"provenance", file->provenance},
        };
        std::cout << json.dump(2) << '\n';
        return ExitSuccess;
    }
    const auto& c = *config;
    std::cout << fmt::format("Model file:     {}\n", options.file)
              << fmt::format("Size:           {:.1f} MB, {} tensors, {:.2f} M parameters\n",
                     static_cast<double>(status ? 0 : bytes) / 1e6, file->tensors.size(),
                     static_cast<double>(parameters) / 1e6)
              << fmt::format("Swin:           embed {}, depths {}, heads {}, window {}\n", c.swin.embedDim,
                     joinedInts(c.swin.depths), joinedInts(c.swin.heads), c.swin.window)
              << fmt::format("BERT:           hidden {}, {} layers, {} heads, vocabulary {}\n", c.bert.hidden,
                     c.bert.layers, c.bert.heads, vocabularySize)
              << fmt::format("Decoder:        D = {}, {} MCI layer(s), {} background tokens\n", c.decoderDim,
                     c.mciLayers, c.backgroundTokens)
              << fmt::format("Input:          {} px tiles, {} text tokens\n", c.imageSize, c.maxTokens);
    for (const auto& [key, value] : file->provenance)
        std::cout << fmt::format("{:<15} {}\n", key + ":", value);
    return ExitSuccess;
}

struct ImportOptions {
    std::string swin;
    std::string bert;
    std::string vocabulary;
    std::string output;
    std::string preset = "base";
    std::string configFile;
    std::uint64_t seed = 0;
};

Result<model::BtddnetConfig> chosenConfig(const ImportOptions& options)
{
    if (options.configFile.empty())
        return options.preset == "tiny" ? model::BtddnetConfig::tiny() : model::BtddnetConfig::base();
    std::ifstream in(options.configFile, std::ios::binary);
    if (!in)
        return Error(ErrorCode::NotFound, "cannot read the model configuration").withFile(options.configFile);
    std::stringstream text;
    text << in.rdbuf();
    auto config = model::BtddnetConfig::fromJson(text.str());
    if (!config)
        return config.error().withFile(options.configFile);
    return config;
}

int runImport(const ImportOptions& options)
{
    auto config = chosenConfig(options);
    if (!config)
        return fail(config.error());
    std::filesystem::path vocabulary = options.vocabulary;
    if (vocabulary.empty()) {
        auto found = findBundledResource("vocab/bert-base-uncased-vocab.txt", "--vocab FILE");
        if (!found)
            return fail(found.error());
        vocabulary = *found;
    }
    auto assembled = model::assembleBtddnet(*config, options.swin, options.bert, vocabulary, options.seed);
    if (!assembled)
        return fail(assembled.error());
    if (auto saved = model::saveBtddnetFile(options.output, assembled->model, assembled->tokenizer,
                                            assembled->provenance);
        !saved)
        return fail(saved.error());
    std::cout << "model import-backbones: wrote " << options.output << '\n';
    return ExitSuccess;
}

} // namespace

Command addModelCommand(CLI::App& app)
{
    CLI::App* command = app.add_subcommand("model", "Inspect model files and build one from public backbones.");
    command->require_subcommand(1);

    auto info = std::make_shared<InfoOptions>();
    CLI::App* infoCommand = command->add_subcommand("info", "Show a model file's configuration, size and provenance.");
    infoCommand->add_option("FILE", info->file, "A ReferMap model file (.refermap, safetensors)")->required();
    infoCommand->add_flag("--json", info->json, "Print JSON instead of text");

    auto import = std::make_shared<ImportOptions>();
    CLI::App* importCommand = command->add_subcommand("import-backbones",
        "Build a model file from the public Swin-B (timm swin_base_patch4_window12_384, safetensors) and "
        "BERT-base (bert-base-uncased model.safetensors) checkpoints; BTDDNet's own parts start untrained. "
        "Train it with 'refermap-cli train --init FILE'.");
    importCommand->add_option("--swin", import->swin, "timm Swin checkpoint (.safetensors)")->required();
    importCommand->add_option("--bert", import->bert, "HuggingFace BERT checkpoint (model.safetensors)")->required();
    importCommand->add_option("--vocab", import->vocabulary,
        "BERT vocabulary (vocab.txt; default: the bundled bert-base-uncased vocabulary)");
    importCommand->add_option("-o,--output", import->output, "The model file to write")->required();
    importCommand->add_option("--preset", import->preset, "Network size: base (the paper's, default) or tiny")
        ->check(CLI::IsMember({"base", "tiny"}));
    importCommand->add_option("--config", import->configFile,
        "A model configuration JSON (as printed by 'model info --json' under \"config\") instead of --preset");
    importCommand->add_option("--seed", import->seed, "Seed for BTDDNet's own initial weights (default 0)");

    return {command, [infoCommand, importCommand, info, import]() {
                if (infoCommand->parsed())
                    return runInfo(*info);
                if (importCommand->parsed())
                    return runImport(*import);
                return static_cast<int>(ExitUsage);
            }};
}

} // namespace refermap::cli
