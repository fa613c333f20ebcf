#pragma once

#include "common/result.h"
#include "model/safetensors.h"

#include <torch/nn/module.h>
#include <torch/types.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace refermap::model {

// A ReferMap model file: one safetensors file holding the weights and, in "__metadata__",
// "format" = "refermap-model", "format_version" = "1", "config" = the model config JSON,
// "vocabulary" = the tokenizer vocabulary (one token per line), plus free-form provenance keys.
struct ModelFile {
    static constexpr int currentFormatVersion = 1;

    std::map<std::string, torch::Tensor> tensors; // float tensors as stored (F32/F16/BF16 -> float32 on load)
    std::string configJson;
    std::string vocabulary;
    std::map<std::string, std::string> provenance; // every other metadata key
};

// Converts a safetensors file's tensors into torch tensors (copied out of the mapping).
Result<std::map<std::string, torch::Tensor>> readTensors(const SafetensorsFile& file);

// Writes a model file atomically. Tensors are saved as F32 (contiguous, on the CPU).
Result<void> saveModelFile(const std::filesystem::path& path, const ModelFile& model);
// Reads and checks a model file: the format marker and version, the presence of config and
// vocabulary. Errors name the file and the key.
Result<ModelFile> loadModelFile(const std::filesystem::path& path);

// The state of a module as the model file stores it: every parameter and buffer by its dotted name.
std::map<std::string, torch::Tensor> moduleState(const torch::nn::Module& module);

// What a strict load found wrong; empty lists mean the state matches the module exactly.
struct StateMismatch {
    std::vector<std::string> missing;    // in the module, not in the state
    std::vector<std::string> unexpected; // in the state, not in the module
    std::vector<std::string> misShaped;  // "name: file [a, b] vs model [c, d]"
    bool empty() const { return missing.empty() && unexpected.empty() && misShaped.empty(); }
    std::string describe() const; // one readable paragraph listing all three (first 20 of each)
};

StateMismatch compareState(const torch::nn::Module& module, const std::map<std::string, torch::Tensor>& state);

// Copies `state` into the module's parameters and buffers. Strict: refuses (changing nothing)
// when anything is missing, unexpected or mis-shaped, except names matching one of the
// `allowedMissing` prefixes (e.g. the decoder when loading only pretrained backbones).
Result<void> loadStateStrict(torch::nn::Module& module, const std::map<std::string, torch::Tensor>& state,
                             const std::vector<std::string>& allowedMissing = {});

} // namespace refermap::model
