#pragma once

#include "common/progress_feedback.h"
#include "common/result.h"
#include "engine/referring_metrics.h"
#include "engine/training_checkpoint.h"
#include "engine/training_optimizer.h"
#include "engine/training_options.h"
#include "model/btddnet_file.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

namespace refermap::engine {

// What a call to BtddnetTrainer::run() did.
struct TrainingSummary {
    std::int64_t startIteration = 0; // where this session began (> 0 when resumed)
    std::int64_t iteration = 0;      // optimizer steps taken in the whole run so far
    std::int64_t totalIterations = 0;
    bool finished = false;           // false when paused by stopAfter
    int epochsCompleted = 0;
    bool validated = false;          // lastValidation holds a validation of this session
    ReferringScores lastValidation;
    double bestOIoU = -1.0;
    double bestMIoU = -1.0;
    int bestEpoch = -1;
};

// Sees a run as it goes (e.g. a live chart), on the training thread: after every optimizer step and
// every validation. Keep the callbacks short.
struct TrainingObserver {
    std::function<void(int epoch, std::int64_t iteration, double loss)> onStep;
    std::function<void(int epoch, std::int64_t iteration, const ReferringScores& scores)> onValidation;
};

// Trains BTDDNet on a referring dataset with MODEL.md's recipe: AdamW in two groups (backbone /
// rest, weight-decay exclusions: training_optimizer.h), poly decay per optimizer step, the three
// losses of model::btddnetLoss, gradient clipping and accumulation, one random sentence per ref
// per epoch (seeded), validation on the val split after every epoch (every sentence), best model by
// val oIoU.
//
// The run folder holds:
//   checkpoint.safetensors  resumable state (training_checkpoint.h), written atomically at the end
//                           of every epoch, every `checkpointEvery` steps and when pausing;
//   best.refermap           model file of the epoch with the best val oIoU;
//   last.refermap           model file after the latest epoch;
//   train.csv               one row per optimizer step and one per validation:
//                           epoch,iteration,lr,lr_backbone,loss,loss_fg,loss_bg,loss_re,val_mIoU,val_oIoU,seconds
//                           (flushed per row; on resume, rows after the checkpoint are dropped).
// Frozen backbones (TrainingOptions::freezeBackbones): their parameters do not require gradients and
// are left out of the optimizer, so they stay exactly as loaded.
// A killed run (even kill -9 during a write) resumes from the last complete checkpoint; a resumed
// run takes the same steps, in the same order, with the same random numbers as an uninterrupted one
// (bit-identical on the CPU with one thread). Not thread-safe; cancel through the feedback.
class BtddnetTrainer {
public:
    static constexpr const char* checkpointName = "checkpoint.safetensors";
    static constexpr const char* bestModelName = "best.refermap";
    static constexpr const char* lastModelName = "last.refermap";
    static constexpr const char* logName = "train.csv";

    // A new run from `initial` (a model file, or a fresh network with its tokenizer). Creates the run
    // folder; refuses one that already holds a checkpoint (resume it, or choose another folder).
    static Result<BtddnetTrainer> start(const TrainingOptions& options, model::LoadedBtddnet initial);
    // Continues the run in options.runDirectory from its checkpoint. The stored schedule (see
    // TrainingOptions) is used; `options` must agree with it on those fields (use
    // storedOptions() to fill them) — an InvalidArgument error lists the differences.
    static Result<BtddnetTrainer> resume(const TrainingOptions& options);
    // `session` with the schedule fields replaced by those stored in the run folder's checkpoint.
    static Result<TrainingOptions> storedOptions(const TrainingOptions& session);

    // Trains until the end of the schedule (or `stopAfter`). Progress: fraction of the schedule,
    // message with epoch, step, loss; ETA by the feedback. Cancel between steps: writes a checkpoint
    // at that step (unless one is there already) and returns ErrorCode::Cancelled.
    Result<TrainingSummary> run(ProgressFeedback& feedback, const TrainingObserver& observer = {});

    const TrainingOptions& options() const;
    const TrainingProgress& progress() const;
    model::Btddnet& model();
    const GroupedAdamW& optimizer() const;
    std::int64_t iterationsPerEpoch() const;
    std::int64_t totalIterations() const;

    BtddnetTrainer(BtddnetTrainer&&) noexcept;
    BtddnetTrainer& operator=(BtddnetTrainer&&) noexcept;
    ~BtddnetTrainer();

private:
    struct State;
    explicit BtddnetTrainer(std::unique_ptr<State> state);
    std::unique_ptr<State> state_;
};

} // namespace refermap::engine
