#pragma once

#include "common/result.h"
#include "model/btddnet_file.h"
#include "model/safetensors.h"

#include <torch/types.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

namespace refermap::model {

// Converts timm's swin_base_patch4_window12_384 (.ms_in22k) safetensors into BTDDNet's "swin."
// names: drops head.*, the final norm.*, relative_position_index and attn_mask (recomputed by
// the model), accepts the older timm layout (downsample at the end of a stage) by moving it to the
// start of the next, and resizes relative-position tables by bicubic interpolation when the
// checkpoint's window differs from `targetWindow`. Errors name the file and key.
Result<std::map<std::string, torch::Tensor>> importTimmSwin(const SafetensorsFile& file, int targetWindow);

// Converts HuggingFace bert-base-uncased model.safetensors into BTDDNet's "bert." names: strips
// the "bert." prefix of the checkpoint, renames LayerNorm gamma/beta to weight/bias, drops cls.*,
// pooler.* and position_ids, and re-prefixes with "bert.".
Result<std::map<std::string, torch::Tensor>> importHuggingFaceBert(const SafetensorsFile& file);

// The starting point of training on real data: a BTDDNet of `config` whose Swin and BERT come from the
// public checkpoints (timm Swin and HuggingFace BERT safetensors, converted as above) and whose own
// parts (BSC, feature norms, MCI, predictor, rephrase) are freshly initialised from `seed` (every BSC
// starts as the identity). The vocabulary file becomes the model's tokenizer. Strict: every swin.* and
// bert.* parameter of the network must come from the checkpoints, with its shape; errors name the file
// and list the keys. Provenance records the three source file names.
Result<LoadedBtddnet> assembleBtddnet(const BtddnetConfig& config, const std::filesystem::path& swinPath,
                                      const std::filesystem::path& bertPath,
                                      const std::filesystem::path& vocabularyPath, std::uint64_t seed);

} // namespace refermap::model
