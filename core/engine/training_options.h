#pragma once

#include "common/result.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace refermap::engine {

// Everything that decides how BTDDNet is trained (MODEL.md, "Training recipe"). The fields that
// change the course of a run (schedule, data order, losses) are stored in every checkpoint, and a
// resumed run continues with the stored values; the rest (device, threads, stop point) may differ.
struct TrainingOptions {
    std::filesystem::path dataset;      // a RefSegRS/RRSIS-D layout folder (train and val splits)
    std::filesystem::path runDirectory; // checkpoint.safetensors, best.refermap, last.refermap, train.csv

    // --- the course of the run (stored in the checkpoint) ---
    int epochs = 50;
    int batchSize = 8;      // samples per forward pass
    int accumulate = 1;     // forward passes per optimizer step (effective batch = batchSize * accumulate)
    double learningRate = 1e-4;         // everything outside the backbones
    double backboneLearningRate = 1e-5; // swin.* and bert.* (every layer and the embeddings)
    double weightDecay = 0.01;          // decoupled (AdamW); 0 for the exclusions of training_optimizer.h
    double polyPower = 0.9;             // lr(i) = base * (1 - i / total)^power, per optimizer step
    double clipNorm = 0.0;              // global gradient-norm clip; 0 = off
    std::uint64_t seed = 0;             // data order, sentence choice, dropout and drop-path
    std::int64_t maxIterations = 0;     // > 0: the run (and its schedule) ends after this many steps
    bool emptyText = false;             // ablation: every expression replaced by "" (text cannot help)
    // Fine-tuning: the Swin and BERT backbones (swin.*, bert.*, embeddings included) keep their
    // weights; only BSC, MCI, the predictor and JR train (backboneLearningRate is then unused).
    bool freezeBackbones = false;
    // Augmentation for small sample sets: each training sample mirrored left-right and/or top-bottom
    // at random, its direction words mirrored with it (engine/sample_mirror.h). Off in the reference
    // recipe.
    bool mirror = false;
    // A project file as the dataset (fine-tuning): the mask layers whose samples are used; empty: all.
    std::vector<std::int64_t> projectLayers;

    // --- how this session runs (not binding on a resumed run) ---
    std::string device = "auto";     // model::resolveComputeDevice
    int threads = 0;                 // compute threads (0 = every core)
    int evalBatchSize = 0;           // validation batch (0 = batchSize)
    std::int64_t checkpointEvery = 0; // also checkpoint every N steps (0 = at the end of each epoch only)
    std::int64_t stopAfter = 0;      // > 0: pause after step N (checkpoint written, schedule unchanged)
    bool prefetch = true;            // load and preprocess the next batch on a second thread

    // Range checks; errors name the option.
    Result<void> validate() const;
    // The stored part as JSON, and back (missing keys keep the defaults; unknown keys are ignored so
    // that a newer checkpoint stays readable).
    std::string scheduleJson() const;
    static Result<TrainingOptions> withSchedule(const TrainingOptions& session, const std::string& json);
    // The stored fields whose values differ between two options, e.g. {"epochs", "batch_size"}.
    static std::string scheduleDifferences(const TrainingOptions& a, const TrainingOptions& b);
};

} // namespace refermap::engine
