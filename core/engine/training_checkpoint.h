#pragma once

#include "common/result.h"
#include "engine/training_optimizer.h"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

namespace refermap::engine {

// Where a training run stands, in enough detail to continue it exactly.
struct TrainingProgress {
    int epoch = 0;                      // the epoch in progress (0-based)
    std::int64_t iteration = 0;         // optimizer steps taken in the whole run
    std::int64_t iterationInEpoch = 0;  // optimizer steps taken in `epoch`
    // The std::mt19937_64 state (its operator<< text) at the start of `epoch`: the epoch's sample
    // order and sentence choices are drawn from it, so a resumed epoch sees the same batches.
    std::string epochRandomState;
    std::uint64_t torchSeed = 0;        // step i reseeds libtorch with torchSeed + i (dropout, drop-path)
    double bestOIoU = -1.0;             // best validation oIoU so far (-1: none yet)
    double bestMIoU = -1.0;             // the mIoU of that epoch
    int bestEpoch = -1;                 // 1-based epoch of best.refermap (-1: none yet)
    double elapsedSeconds = 0.0;        // training wall time over every session of the run
};

// A resumable training checkpoint: one safetensors file (never a pickle) holding
//   model.<name>                      every parameter and buffer, in its own dtype;
//   optimizer.exp_avg.<name>,
//   optimizer.exp_avg_sq.<name>       AdamW's moments (F32), optimizer.step.<name> (I64 scalar);
// and in "__metadata__": "format" = "refermap-training-checkpoint", "format_version" = "1",
// "config" (model JSON), "vocabulary", "options" (TrainingOptions::scheduleJson) and "progress"
// (TrainingProgress as JSON).
struct TrainingCheckpoint {
    static constexpr int currentFormatVersion = 1;

    std::string configJson;
    std::string vocabulary;
    std::string optionsJson;
    TrainingProgress progress;
    std::map<std::string, at::Tensor> modelState;
    std::map<std::string, GroupedAdamW::ParameterState> optimizerState;
};

// Writes atomically (AtomicFile through writeSafetensors): a reader, or a run killed at any moment,
// sees the previous checkpoint or the new one, never a mixture.
Result<void> saveTrainingCheckpoint(const std::filesystem::path& path, const TrainingCheckpoint& checkpoint);
// Reads and checks a checkpoint. Errors name the file and key.
Result<TrainingCheckpoint> loadTrainingCheckpoint(const std::filesystem::path& path);

} // namespace refermap::engine
