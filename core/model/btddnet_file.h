#pragma once

#include "common/result.h"
#include "model/btddnet.h"
#include "model/wordpiece_tokenizer.h"

#include <filesystem>
#include <map>
#include <string>

namespace refermap::model {

// A BTDDNet ready to run: the network, the tokenizer its embeddings were trained with, and the
// provenance recorded in its file.
struct LoadedBtddnet {
    Btddnet model{nullptr};
    WordpieceTokenizer tokenizer;
    std::map<std::string, std::string> provenance;
};

// Saves the network's weights, its configuration and the tokenizer's vocabulary as one model
// file, atomically. Refuses a vocabulary whose size differs from the network's embedding table.
Result<void> saveBtddnetFile(const std::filesystem::path& path, const Btddnet& model,
                             const WordpieceTokenizer& tokenizer,
                             const std::map<std::string, std::string>& provenance = {});

// Loads a model file: validates the configuration, builds the network, loads the weights strictly
// (every missing, unexpected or mis-shaped key is listed) and the tokenizer. Nothing large is
// allocated before the file's header has been validated. Errors name the file.
Result<LoadedBtddnet> loadBtddnetFile(const std::filesystem::path& path);

} // namespace refermap::model
