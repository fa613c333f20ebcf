#pragma once

#include "common/result.h"
#include "model/safetensors.h"

#include <torch/types.h>

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

} // namespace refermap::model
