#include "engine/btddnet_trainer.h"

#include "common/atomic_file.h"
#include "engine/referring_dataset.h"
#include "engine/referring_evaluator.h"
#include "engine/training_batch.h"
#include "model/blas_backend.h"
#include "model/btddnet_loss.h"
#include "model/compute_device.h"
#include "model/model_file.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <future>
#include <iomanip>
#include <random>
#include <sstream>

namespace refermap::engine {

namespace {

constexpr const char* csvHeader = "epoch,iteration,lr,lr_backbone,loss,loss_fg,loss_bg,loss_re,val_mIoU,val_oIoU,seconds";

std::string randomStateText(const std::mt19937_64& random)
{
    std::ostringstream text;
    text << random;
    return text.str();
}

bool restoreRandomState(std::mt19937_64& random, const std::string& text)
{
    std::istringstream in(text);
    in >> random;
    return !in.fail();
}

std::string number(double value)
{
    std::ostringstream text;
    text << std::setprecision(8) << value;
    return text.str();
}

// The seed of libtorch's generator at one optimizer step: a fixed function of the run's seed and
// the step, so dropout and drop-path need no saved generator state to resume exactly.
std::uint64_t stepSeed(std::uint64_t torchSeed, std::int64_t iteration)
{
    return torchSeed + static_cast<std::uint64_t>(iteration);
}

Error ioError(const std::string& what, const std::filesystem::path& path, const std::string& detail = {})
{
    Error error = Error(ErrorCode::Io, what).withFile(path.string());
    return detail.empty() ? error : error.withDetail(detail);
}

} // namespace

struct BtddnetTrainer::State {
    explicit State(model::LoadedBtddnet loaded)
        : net(std::move(loaded))
    {
    }

    TrainingOptions options;
    c10::Device device{c10::kCPU};
    model::LoadedBtddnet net;
    std::unique_ptr<GroupedAdamW> optimizer;
    std::unique_ptr<ReferringDataset> train;
    std::unique_ptr<ReferringDataset> val;
    TrainingProgress progress;
    std::mt19937_64 random;
    std::int64_t stepsPerEpoch = 0;
    std::int64_t lastCheckpoint = -1; // the step of the checkpoint this session wrote or resumed from
    std::int64_t total = 0;
    std::ofstream log;

    std::filesystem::path path(const char* name) const { return options.runDirectory / name; }

    // Moves the network to the device and builds its optimizer (fresh state; a resume restores it).
    Result<void> placeOnDevice(const TrainingOptions& options)
    {
        try {
            net.model->to(device);
            if (options.freezeBackbones) {
                for (auto& item : net.model->named_parameters()) {
                    const std::string& name = item.key();
                    if (name.rfind("swin.", 0) == 0 || name.rfind("bert.", 0) == 0)
                        item.value().set_requires_grad(false);
                }
            }
            optimizer = std::make_unique<GroupedAdamW>(*net.model, options.learningRate,
                                                       options.backboneLearningRate, options.weightDecay);
        } catch (const std::exception& e) {
            return Error(ErrorCode::Internal, "cannot place the network on the device").withDetail(e.what());
        }
        return {};
    }

    Result<void> openDatasets()
    {
        auto trainSplit = openReferringDataset(options.dataset, DatasetSplit::Train, options.projectLayers);
        if (!trainSplit)
            return trainSplit.error();
        auto valSplit = openReferringDataset(options.dataset, DatasetSplit::Val, options.projectLayers);
        if (!valSplit)
            return valSplit.error();
        train = std::move(*trainSplit);
        val = std::move(*valSplit);
        std::size_t usable = 0;
        for (std::size_t index = 0; index < train->size(); ++index)
            usable += train->ref(index).sentences.empty() ? 0 : 1;
        if (usable == 0)
            return Error(ErrorCode::InvalidData, "the train split has no expression").withFile(options.dataset.string());
        if (everySentence(*val).empty())
            return Error(ErrorCode::InvalidData, "the val split has no expression (validation needs one)")
                .withFile(options.dataset.string());
        const std::int64_t batches = (static_cast<std::int64_t>(usable) + options.batchSize - 1) / options.batchSize;
        stepsPerEpoch = (batches + options.accumulate - 1) / options.accumulate;
        total = stepsPerEpoch * options.epochs;
        if (options.maxIterations > 0)
            total = std::min(total, options.maxIterations);
        return {};
    }

    // The epoch's samples in training order: the refs shuffled, one random sentence each (and, with
    // `mirror`, one of the four mirrors each, the unmirrored sample included). Draws
    // from `random`, which afterwards holds the next epoch's starting state.
    std::vector<ReferringSample> planEpoch()
    {
        std::vector<std::size_t> order;
        for (std::size_t index = 0; index < train->size(); ++index) {
            if (!train->ref(index).sentences.empty())
                order.push_back(index);
        }
        // Fisher–Yates with our own draws (std::shuffle's algorithm is implementation-defined).
        for (std::size_t i = order.size(); i > 1; --i)
            std::swap(order[i - 1], order[random() % i]);
        std::vector<ReferringSample> plan;
        plan.reserve(order.size());
        for (const std::size_t index : order) {
            const auto& sentences = train->ref(index).sentences;
            std::string sentence = sentences[random() % sentences.size()];
            const SampleMirror mirror = options.mirror ? SampleMirror::fromBits(random() % 4) : SampleMirror{};
            plan.push_back({index, options.emptyText ? std::string() : std::move(sentence), mirror});
        }
        return plan;
    }

    Result<void> saveCheckpoint()
    {
        TrainingCheckpoint checkpoint;
        checkpoint.configJson = net.model->config().toJson();
        checkpoint.vocabulary = net.tokenizer.vocabularyText();
        checkpoint.optionsJson = options.scheduleJson();
        checkpoint.progress = progress;
        checkpoint.modelState = model::moduleState(*net.model);
        checkpoint.optimizerState = optimizer->state();
        if (auto saved = saveTrainingCheckpoint(path(checkpointName), checkpoint); !saved)
            return saved.error();
        lastCheckpoint = progress.iteration;
        spdlog::info("train: checkpoint at step {} (epoch {})", progress.iteration, progress.epoch + 1);
        return {};
    }

    Result<void> saveModel(const char* name, int epoch, const ReferringScores& scores)
    {
        const std::map<std::string, std::string> provenance{
            {"trained_with", "refermap-cli train"},
            {"training_dataset", options.dataset.string()},
            {"training_options", options.scheduleJson()},
            {"training_epoch", std::to_string(epoch)},
            {"training_iteration", std::to_string(progress.iteration)},
            {"val_oIoU", number(scores.oIoU)},
            {"val_mIoU", number(scores.mIoU)},
        };
        return model::saveBtddnetFile(path(name), net.model, net.tokenizer, provenance);
    }

    Result<void> openLog(bool fresh)
    {
        const std::filesystem::path file = path(logName);
        std::string kept = std::string(csvHeader) + "\n";
        if (!fresh) {
            // Keep the rows up to the checkpoint: the steps after it are taken again.
            std::ifstream in(file);
            std::string line;
            bool header = true;
            while (in && std::getline(in, line)) {
                if (header) {
                    header = false;
                    continue;
                }
                std::istringstream fields(line);
                std::string epoch;
                std::string iteration;
                if (!std::getline(fields, epoch, ',') || !std::getline(fields, iteration, ','))
                    continue;
                try {
                    if (std::stoll(iteration) <= progress.iteration)
                        kept += line + "\n";
                } catch (const std::exception&) {
                    // a row cut by a kill: dropped
                }
            }
        }
        if (auto written = writeFileAtomically(file, kept); !written)
            return written.error();
        log.open(file, std::ios::app);
        if (!log)
            return ioError("cannot open the training log for appending", file);
        return {};
    }

    void logRow(const std::string& row)
    {
        log << row << '\n';
        log.flush();
    }
};

BtddnetTrainer::BtddnetTrainer(std::unique_ptr<State> state)
    : state_(std::move(state))
{
}
BtddnetTrainer::BtddnetTrainer(BtddnetTrainer&&) noexcept = default;
BtddnetTrainer& BtddnetTrainer::operator=(BtddnetTrainer&&) noexcept = default;
BtddnetTrainer::~BtddnetTrainer() = default;

const TrainingOptions& BtddnetTrainer::options() const { return state_->options; }
const TrainingProgress& BtddnetTrainer::progress() const { return state_->progress; }
model::Btddnet& BtddnetTrainer::model() { return state_->net.model; }
const GroupedAdamW& BtddnetTrainer::optimizer() const { return *state_->optimizer; }
std::int64_t BtddnetTrainer::iterationsPerEpoch() const { return state_->stepsPerEpoch; }
std::int64_t BtddnetTrainer::totalIterations() const { return state_->total; }

Result<BtddnetTrainer> BtddnetTrainer::start(const TrainingOptions& options, model::LoadedBtddnet initial)
{
    if (auto valid = options.validate(); !valid)
        return valid.error();
    if (!initial.model)
        return Error(ErrorCode::InvalidArgument, "no starting network");
    auto device = model::resolveComputeDevice(options.device);
    if (!device)
        return device.error();
    auto state = std::make_unique<State>(std::move(initial));
    state->options = options;
    state->device = *device;
    if (options.threads > 0)
        model::configureComputeThreads(options.threads);

    std::error_code status;
    std::filesystem::create_directories(options.runDirectory, status);
    if (status)
        return ioError("cannot create the run folder", options.runDirectory, status.message());
    if (std::filesystem::exists(state->path(checkpointName)))
        return Error(ErrorCode::InvalidArgument, "the run folder already holds a training checkpoint")
            .withFile(state->path(checkpointName).string())
            .withDetail("continue it with --resume, or train into another folder");
    if (auto opened = state->openDatasets(); !opened)
        return opened.error();

    if (auto placed = state->placeOnDevice(options); !placed)
        return placed.error();
    state->random.seed(options.seed);
    state->progress.epochRandomState = randomStateText(state->random);
    state->progress.torchSeed = std::mt19937_64(options.seed ^ 0x9E3779B97F4A7C15ULL)();
    if (auto opened = state->openLog(/*fresh=*/true); !opened)
        return opened.error();
    spdlog::info("train: {} refs in train, {} steps per epoch, {} steps in all, device {}", state->train->size(),
                 state->stepsPerEpoch, state->total, state->device.str());
    return BtddnetTrainer(std::move(state));
}

Result<TrainingOptions> BtddnetTrainer::storedOptions(const TrainingOptions& session)
{
    auto checkpoint = loadTrainingCheckpoint(session.runDirectory / checkpointName);
    if (!checkpoint)
        return checkpoint.error();
    return TrainingOptions::withSchedule(session, checkpoint->optionsJson);
}

Result<BtddnetTrainer> BtddnetTrainer::resume(const TrainingOptions& options)
{
    if (auto valid = options.validate(); !valid)
        return valid.error();
    const std::filesystem::path checkpointPath = options.runDirectory / checkpointName;
    auto checkpoint = loadTrainingCheckpoint(checkpointPath);
    if (!checkpoint)
        return checkpoint.error();
    auto stored = TrainingOptions::withSchedule(options, checkpoint->optionsJson);
    if (!stored)
        return stored.error().withFile(checkpointPath.string());
    if (const std::string differences = TrainingOptions::scheduleDifferences(options, *stored); !differences.empty())
        return Error(ErrorCode::InvalidArgument, "the options differ from those the run was started with")
            .withFile(checkpointPath.string())
            .withDetail(differences);
    auto device = model::resolveComputeDevice(options.device);
    if (!device)
        return device.error();
    auto config = model::BtddnetConfig::fromJson(checkpoint->configJson);
    if (!config)
        return config.error().withFile(checkpointPath.string());
    if (auto valid = config->validate(); !valid)
        return valid.error().withFile(checkpointPath.string());
    auto tokenizer = model::WordpieceTokenizer::fromVocabularyText(checkpoint->vocabulary,
                                                                   checkpointPath.string() + " (vocabulary)");
    if (!tokenizer)
        return tokenizer.error();
    if (options.threads > 0)
        model::configureComputeThreads(options.threads);

    std::unique_ptr<State> state;
    try {
        state = std::make_unique<State>(model::LoadedBtddnet{model::Btddnet(*config), std::move(*tokenizer), {}});
    } catch (const std::exception& e) {
        return Error(ErrorCode::Internal, "cannot build the network").withDetail(e.what());
    }
    state->options = options;
    state->device = *device;
    state->progress = checkpoint->progress;
    state->lastCheckpoint = state->progress.iteration;
    if (auto loaded = model::loadStateStrict(*state->net.model, checkpoint->modelState); !loaded)
        return loaded.error().withFile(checkpointPath.string());
    checkpoint->modelState.clear();
    if (auto placed = state->placeOnDevice(options); !placed)
        return placed.error();
    std::string why;
    if (!state->optimizer->restoreState(std::move(checkpoint->optimizerState), why))
        return Error(ErrorCode::InvalidData, "the checkpoint's optimizer state does not fit the network")
            .withFile(checkpointPath.string())
            .withDetail(why);
    if (!restoreRandomState(state->random, state->progress.epochRandomState))
        return Error(ErrorCode::InvalidData, "the checkpoint's random state cannot be read")
            .withFile(checkpointPath.string())
            .withKey("progress");
    if (auto opened = state->openDatasets(); !opened)
        return opened.error();
    if (state->progress.iterationInEpoch > state->stepsPerEpoch)
        return Error(ErrorCode::InvalidData, "the checkpoint does not fit the dataset (more steps than an epoch has)")
            .withFile(checkpointPath.string());

    // Temporary files of checkpoint writes cut short by a kill: ours, never complete, safe to remove.
    std::error_code status;
    const std::string stalePrefix = "." + std::filesystem::path(checkpointName).stem().string() + ".tmp-";
    for (const auto& entry : std::filesystem::directory_iterator(options.runDirectory, status)) {
        const std::string name = entry.path().filename().string();
        if (name.compare(0, stalePrefix.size(), stalePrefix) == 0) {
            spdlog::info("train: removing '{}', left by an interrupted checkpoint write", entry.path().string());
            std::filesystem::remove(entry.path(), status);
        }
    }
    if (auto opened = state->openLog(/*fresh=*/false); !opened)
        return opened.error();
    spdlog::info("train: resuming at step {} of {} (epoch {}), device {}", state->progress.iteration, state->total,
                 state->progress.epoch + 1, state->device.str());
    return BtddnetTrainer(std::move(state));
}

Result<TrainingSummary> BtddnetTrainer::run(ProgressFeedback& feedback, const TrainingObserver& observer)
{
    State& s = *state_;
    TrainingSummary summary;
    summary.startIteration = s.progress.iteration;
    summary.totalIterations = s.total;
    const auto sessionStart = std::chrono::steady_clock::now();
    const double elapsedBefore = s.progress.elapsedSeconds;
    auto seconds = [&]() {
        return elapsedBefore + std::chrono::duration<double>(std::chrono::steady_clock::now() - sessionStart).count();
    };
    auto finish = [&](bool finished) {
        summary.iteration = s.progress.iteration;
        summary.finished = finished;
        summary.bestOIoU = s.progress.bestOIoU;
        summary.bestMIoU = s.progress.bestMIoU;
        summary.bestEpoch = s.progress.bestEpoch;
        return summary;
    };
    const model::BtddnetConfig config = s.net.model->config();
    const auto batchSize = static_cast<std::size_t>(s.options.batchSize);

    try {
        s.net.model->train();
        while (s.progress.iteration < s.total) {
            // Restore the epoch's starting random state and draw its plan; `random` then holds the next
            // epoch's starting state.
            if (!restoreRandomState(s.random, s.progress.epochRandomState))
                return Error(ErrorCode::Internal, "the random state cannot be restored");
            const std::vector<ReferringSample> plan = s.planEpoch();
            const std::size_t microBatches = (plan.size() + batchSize - 1) / batchSize;
            auto load = [&](std::size_t micro) {
                const auto begin = plan.begin() + static_cast<std::ptrdiff_t>(micro * batchSize);
                const auto end = plan.begin() + static_cast<std::ptrdiff_t>(std::min(plan.size(), (micro + 1) * batchSize));
                return loadReferringBatch(*s.train, std::vector<ReferringSample>(begin, end), s.net.tokenizer, config);
            };
            std::future<Result<ReferringBatch>> pending;
            std::size_t pendingIndex = 0;
            auto fetch = [&](std::size_t micro) -> Result<ReferringBatch> {
                Result<ReferringBatch> batch = (s.options.prefetch && pending.valid() && pendingIndex == micro)
                    ? pending.get()
                    : load(micro);
                if (s.options.prefetch && micro + 1 < microBatches) {
                    pendingIndex = micro + 1;
                    pending = std::async(std::launch::async, load, micro + 1);
                }
                return batch;
            };

            while (s.progress.iterationInEpoch < s.stepsPerEpoch && s.progress.iteration < s.total) {
                if (feedback.isCancelled()) {
                    // The step boundary is a consistent state: keep it, so a resumed run loses nothing.
                    if (s.progress.iteration > s.lastCheckpoint) {
                        if (auto saved = s.saveCheckpoint(); !saved)
                            return saved.error();
                    }
                    return Error(ErrorCode::Cancelled, "training cancelled; the checkpoint is kept");
                }
                const std::int64_t iteration = s.progress.iteration;
                const double lr = polyLearningRate(s.options.learningRate, iteration, s.total, s.options.polyPower);
                const double lrBackbone =
                    polyLearningRate(s.options.backboneLearningRate, iteration, s.total, s.options.polyPower);
                s.optimizer->setLearningRates(lr, lrBackbone);
                s.optimizer->zeroGrad();
                torch::manual_seed(stepSeed(s.progress.torchSeed, iteration));

                const std::size_t first = static_cast<std::size_t>(s.progress.iterationInEpoch * s.options.accumulate);
                const std::size_t last = std::min(microBatches, first + static_cast<std::size_t>(s.options.accumulate));
                const std::size_t stepSamples = std::min(plan.size(), last * batchSize) - first * batchSize;
                double total = 0.0;
                double foreground = 0.0;
                double background = 0.0;
                double rephrase = 0.0;
                for (std::size_t micro = first; micro < last; ++micro) {
                    auto batch = fetch(micro);
                    if (!batch)
                        return batch.error();
                    const auto output = s.net.model->forward(
                        batch->images.to(s.device), batch->text.ids.to(s.device),
                        batch->text.attentionMask.to(s.device), batch->text.maskedIds.to(s.device),
                        /*withRephrase=*/true);
                    const auto attention = batch->text.attentionMask.to(s.device);
                    const model::BtddnetLoss loss =
                        model::btddnetLoss(output, batch->targets.to(s.device), attention, config);
                    // Each forward pass weighs by its share of the step's samples: the accumulated
                    // gradient is that of the mean loss over the effective batch.
                    const double weight =
                        static_cast<double>(batch->images.size(0)) / static_cast<double>(stepSamples);
                    (loss.total * weight).backward();
                    total += weight * loss.total.item<double>();
                    foreground += weight * loss.foreground.item<double>();
                    background += weight * loss.background.item<double>();
                    rephrase += weight * loss.rephrase.item<double>();
                }
                if (!std::isfinite(total))
                    return Error(ErrorCode::InvalidData, "the training loss is not finite")
                        .withDetail("step " + std::to_string(iteration + 1) + "; lower --lr or set --clip");
                if (s.options.clipNorm > 0)
                    torch::nn::utils::clip_grad_norm_(s.optimizer->parameters(), s.options.clipNorm);
                s.optimizer->step();
                s.progress.iteration += 1;
                s.progress.iterationInEpoch += 1;
                s.progress.elapsedSeconds = seconds();
                s.logRow(std::to_string(s.progress.epoch + 1) + "," + std::to_string(s.progress.iteration) + ","
                         + number(lr) + "," + number(lrBackbone) + "," + number(total) + "," + number(foreground) + ","
                         + number(background) + "," + number(rephrase) + ",,," + number(s.progress.elapsedSeconds));
                feedback.setProgress(static_cast<double>(s.progress.iteration) / static_cast<double>(s.total),
                                     "epoch " + std::to_string(s.progress.epoch + 1) + "/"
                                         + std::to_string(s.options.epochs) + ", step "
                                         + std::to_string(s.progress.iteration) + "/" + std::to_string(s.total)
                                         + ", loss " + number(total));
                if (observer.onStep)
                    observer.onStep(s.progress.epoch + 1, s.progress.iteration, total);

                const bool epochEnds =
                    s.progress.iterationInEpoch == s.stepsPerEpoch || s.progress.iteration == s.total;
                if (epochEnds)
                    break;
                const bool pause = s.options.stopAfter > 0 && s.progress.iteration >= s.options.stopAfter;
                if (pause || (s.options.checkpointEvery > 0 && s.progress.iteration % s.options.checkpointEvery == 0)) {
                    if (auto saved = s.saveCheckpoint(); !saved)
                        return saved.error();
                }
                if (pause)
                    return finish(false);
            }

            // End of the epoch: validate, keep the best model, checkpoint.
            if (pending.valid())
                pending.wait();
            const int epoch = s.progress.epoch + 1;
            const double fraction = static_cast<double>(s.progress.iteration) / static_cast<double>(s.total);
            ProgressRange validation(feedback, fraction, fraction);
            EvaluationOptions evaluation;
            evaluation.batchSize = s.options.evalBatchSize > 0 ? s.options.evalBatchSize : s.options.batchSize;
            evaluation.emptyText = s.options.emptyText;
            evaluation.prefetch = s.options.prefetch;
            auto metrics = evaluateReferring(s.net.model, s.net.tokenizer, *s.val, evaluation, s.device, validation);
            if (!metrics)
                return metrics.error();
            const ReferringScores scores = metrics->scores();
            summary.validated = true;
            summary.lastValidation = scores;
            s.progress.elapsedSeconds = seconds();
            s.logRow(std::to_string(epoch) + "," + std::to_string(s.progress.iteration) + ",,,,,,,"
                     + number(scores.mIoU) + "," + number(scores.oIoU) + "," + number(s.progress.elapsedSeconds));
            spdlog::info("train: epoch {} validation: mIoU {:.4f}, oIoU {:.4f} ({} samples)", epoch, scores.mIoU,
                         scores.oIoU, scores.samples);
            if (observer.onValidation)
                observer.onValidation(epoch, s.progress.iteration, scores);
            if (scores.oIoU > s.progress.bestOIoU) {
                s.progress.bestOIoU = scores.oIoU;
                s.progress.bestMIoU = scores.mIoU;
                s.progress.bestEpoch = epoch;
                if (auto saved = s.saveModel(bestModelName, epoch, scores); !saved)
                    return saved.error();
            }
            if (auto saved = s.saveModel(lastModelName, epoch, scores); !saved)
                return saved.error();
            s.progress.epoch += 1;
            s.progress.iterationInEpoch = 0;
            s.progress.epochRandomState = randomStateText(s.random);
            if (auto saved = s.saveCheckpoint(); !saved)
                return saved.error();
            summary.epochsCompleted += 1;
            if (s.options.stopAfter > 0 && s.progress.iteration >= s.options.stopAfter && s.progress.iteration < s.total)
                return finish(false);
        }
    } catch (const Exception& e) {
        return e.error();
    } catch (const std::exception& e) {
        return Error(ErrorCode::Internal, "training failed").withDetail(e.what());
    }
    feedback.setProgress(1.0, "done");
    return finish(true);
}

} // namespace refermap::engine
