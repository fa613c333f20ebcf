#pragma once

#include "common/progress_feedback.h"
#include "common/result.h"
#include "engine/referring_metrics.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace refermap::engine {

// What a fine-tune may leave unchanged (MODEL.md's modules).
enum class FineTuneFreeze {
    None,      // every weight trains (backbones at the backbone learning rate)
    Backbones, // Swin and BERT (embeddings included) stay as they are; BSC, MCI, predictor and JR train
};
const char* fineTuneFreezeName(FineTuneFreeze freeze); // "none", "backbones"
Result<FineTuneFreeze> parseFineTuneFreeze(const std::string& name);

// Fine-tuning a model on the user's corrections (issue 7): the samples come from the edited mask
// layers of a project (engine/correction_samples.h), stored in the project file.
struct FineTuneOptions {
    std::filesystem::path project;   // *.refermap.gpkg
    std::filesystem::path baseModel; // the model the corrected queries ran with (never written)
    std::filesystem::path output;    // the new model file; must not be the base model
    // Checkpoints and the training log; empty: "<output>.run" beside the output. A folder holding
    // a checkpoint of the same fine-tune (same base, samples and settings) is resumed; one of
    // another fine-tune is refused (unless `restart`).
    std::filesystem::path runDirectory;
    bool restart = false; // discard a checkpoint in runDirectory and start again

    std::vector<std::int64_t> layers; // mask layer ids to learn from; empty: every edited layer
    bool refreshSamples = true;       // (re)take samples of layers edited since their samples were taken
    double validationShare = 0.2;     // share of the samples held out for validation (at least one)
    std::uint64_t seed = 0;           // validation split, data order, dropout

    int epochs = 10;
    std::int64_t maxIterations = 0; // > 0: stop the schedule after this many optimizer steps
    int batchSize = 4;
    // MODEL.md's rates (1e-4 / 1e-5) are for training from scratch on a benchmark; a fine-tune on a
    // few corrections starts from a trained network, with the backbones frozen by default.
    double learningRate = 1e-4;
    double backboneLearningRate = 1e-6;
    FineTuneFreeze freeze = FineTuneFreeze::Backbones;
    // Mirror training samples at random, direction words with them (TrainingOptions::mirror). Off by
    // default: it helped a little on the synthetic colour check and cost half the gain on the road
    // check (docs/finetune.md).
    bool mirror = false;
    std::string device = "auto";
    int threads = 0;                    // 0: every core
    std::int64_t checkpointEvery = 10;  // optimizer steps between checkpoints (and at each epoch end)

    Result<void> validate() const; // errors name the option
};

// One point of the live chart: a training step's loss, or a validation's IoU.
struct FineTunePoint {
    enum class Kind { TrainingLoss, Validation } kind = Kind::TrainingLoss;
    std::int64_t iteration = 0; // optimizer steps so far
    std::int64_t totalIterations = 0;
    int epoch = 0;              // 1-based
    double loss = 0.0;          // TrainingLoss
    ReferringScores scores;     // Validation (mIoU, oIoU, Pr@X on the held-out samples)
    bool replayed = false;      // from the log of the run this one resumes (before resumedIteration)
};
// Called on the training thread; keep it short (e.g. queue the point to the GUI thread). A resumed
// run first replays the points its log holds up to the checkpoint (replayed = true).
using FineTuneObserver = std::function<void(const FineTunePoint&)>;

struct FineTuneReport {
    std::filesystem::path output;
    std::filesystem::path runDirectory;
    std::size_t trainSamples = 0;
    std::size_t validationSamples = 0;
    std::size_t layers = 0;           // layers the samples came from
    bool resumed = false;             // continued an interrupted run
    std::int64_t resumedIteration = 0; // the checkpoint's step it continued from
    std::int64_t iterations = 0;
    ReferringScores before;           // the base model on the validation samples
    ReferringScores after;            // the new model on the same samples
    std::string baseSha256;
    double seconds = 0.0;
};

// The run folder of a fine-tune (options.runDirectory, or "<output>.run"), and whether it holds a
// checkpoint that runFineTune() would continue (unless options.restart).
std::filesystem::path fineTuneRunDirectory(const FineTuneOptions& options);
bool fineTuneCanResume(const FineTuneOptions& options);

// The whole fine-tune: takes the samples (refreshing those of re-edited layers, in the project
// file, one transaction per layer), validates the base model on the held-out samples, trains
// (resumable: a killed or cancelled run continues from its last checkpoint when run again with the
// same options), validates again and writes the model of the best validation epoch to `output`,
// atomically, with its provenance (base model and its SHA-256, project, sample ids, settings,
// IoU before and after). Progress covers the whole job; cancel between steps (ErrorCode::Cancelled,
// the checkpoint is kept, no output written).
//
// Errors: no edited mask layer (or none of `layers`), a layer whose raster is missing and has no
// stored samples (names the raster and the layer), a base model that is not a ReferMap BTDDNet
// file or is damaged (names the file), output == base model, a run folder of another fine-tune.
Result<FineTuneReport> runFineTune(const FineTuneOptions& options, ProgressFeedback& feedback,
                                   const FineTuneObserver& observer = {});

} // namespace refermap::engine
