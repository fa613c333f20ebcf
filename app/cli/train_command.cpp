// `refermap-cli train`: trains BTDDNet on a referring dataset folder (RefSegRS / RRSIS-D layout, or
// one written by `refermap-cli synth`), resumably.
#include "cli_commands.h"

#include "bundled_resource.h"
#include "engine/btddnet_trainer.h"
#include "model/btddnet_config.h"
#include "model/btddnet_file.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <atomic>
#include <cmath>
#include <csignal>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <unistd.h>

namespace refermap::cli {

namespace {

std::atomic<ProgressFeedback*> interruptTarget{nullptr};

extern "C" void cancelOnInterrupt(int)
{
    if (ProgressFeedback* feedback = interruptTarget.load())
        feedback->cancel();
    std::signal(SIGINT, SIG_DFL); // a second Ctrl-C ends the process at once
}

// Ctrl-C cancels the job between steps (the last complete checkpoint stays) instead of killing it.
class InterruptCancels {
public:
    explicit InterruptCancels(ProgressFeedback& feedback)
    {
        interruptTarget.store(&feedback);
        previous_ = std::signal(SIGINT, cancelOnInterrupt);
    }
    ~InterruptCancels()
    {
        std::signal(SIGINT, previous_ == SIG_ERR ? SIG_DFL : previous_);
        interruptTarget.store(nullptr);
    }
    InterruptCancels(const InterruptCancels&) = delete;
    InterruptCancels& operator=(const InterruptCancels&) = delete;

private:
    void (*previous_)(int) = SIG_DFL;
};

struct TrainOptions {
    engine::TrainingOptions training;
    std::string init;
    std::string preset;
    std::string configFile;
    std::string vocabulary;
    bool resume = false;
};

int fail(const Error& error)
{
    std::cerr << "refermap-cli: error: " << error.message() << '\n';
    return exitCodeFor(error);
}

Result<model::LoadedBtddnet> startingNetwork(const TrainOptions& options)
{
    if (!options.init.empty())
        return model::loadBtddnetFile(options.init);
    model::BtddnetConfig config = model::BtddnetConfig::tiny();
    if (!options.configFile.empty()) {
        std::ifstream in(options.configFile, std::ios::binary);
        if (!in)
            return Error(ErrorCode::NotFound, "cannot read the model configuration").withFile(options.configFile);
        std::stringstream text;
        text << in.rdbuf();
        auto parsed = model::BtddnetConfig::fromJson(text.str());
        if (!parsed)
            return parsed.error().withFile(options.configFile);
        config = *parsed;
    } else if (options.preset == "base") {
        config = model::BtddnetConfig::base();
    }
    if (auto valid = config.validate(); !valid)
        return valid.error();
    std::filesystem::path vocabularyPath = options.vocabulary;
    if (vocabularyPath.empty()) {
        auto found = findBundledResource("vocab/bert-base-uncased-vocab.txt", "--vocab FILE");
        if (!found)
            return found.error();
        vocabularyPath = *found;
    }
    auto tokenizer = model::WordpieceTokenizer::fromVocabularyFile(vocabularyPath);
    if (!tokenizer)
        return tokenizer.error();
    if (static_cast<int>(tokenizer->size()) != config.bert.vocabularySize)
        return Error(ErrorCode::InvalidArgument, "the vocabulary does not fit the network's embedding table")
            .withFile(vocabularyPath.string())
            .withDetail(std::to_string(tokenizer->size()) + " tokens for " + std::to_string(config.bert.vocabularySize)
                        + " embeddings");
    try {
        torch::manual_seed(options.training.seed); // a fresh network's initial weights follow --seed
        return model::LoadedBtddnet{model::Btddnet(config), std::move(*tokenizer), {}};
    } catch (const std::exception& e) {
        return Error(ErrorCode::Internal, "cannot build the network").withDetail(e.what());
    }
}

int runTrain(TrainOptions options, const std::vector<std::string>& explicitSchedule)
{
    ProgressFeedback feedback(std::chrono::milliseconds(::isatty(STDERR_FILENO) ? 200 : 5000));
    const bool terminal = ::isatty(STDERR_FILENO);
    feedback.setListener([terminal](const ProgressUpdate& update) {
        std::string eta;
        if (update.eta) {
            const auto total = std::chrono::duration_cast<std::chrono::seconds>(*update.eta).count();
            eta = fmt::format(", ETA {}:{:02}:{:02}", total / 3600, (total / 60) % 60, total % 60);
        }
        const std::string line = fmt::format("train: {:5.1f}% {}{}", update.fraction * 100.0, update.message, eta);
        if (terminal)
            std::cerr << '\r' << line << "\033[K" << std::flush;
        else
            std::cerr << line << '\n';
    });

    Result<engine::BtddnetTrainer> trainer = Error(ErrorCode::Internal, "no trainer");
    if (options.resume) {
        if (!options.init.empty() || !options.preset.empty() || !options.configFile.empty())
            return fail(Error(ErrorCode::InvalidArgument, "--resume continues the stored network; drop --init, --preset and --config"));
        auto stored = engine::BtddnetTrainer::storedOptions(options.training);
        if (!stored)
            return fail(stored.error());
        // Options given again must agree with the run; the others take the stored values.
        engine::TrainingOptions requested = *stored;
        for (const std::string& name : explicitSchedule) {
            if (name == "epochs") requested.epochs = options.training.epochs;
            if (name == "batch") requested.batchSize = options.training.batchSize;
            if (name == "accumulate") requested.accumulate = options.training.accumulate;
            if (name == "lr") requested.learningRate = options.training.learningRate;
            if (name == "lr-backbone") requested.backboneLearningRate = options.training.backboneLearningRate;
            if (name == "weight-decay") requested.weightDecay = options.training.weightDecay;
            if (name == "clip") requested.clipNorm = options.training.clipNorm;
            if (name == "seed") requested.seed = options.training.seed;
            if (name == "max-iterations") requested.maxIterations = options.training.maxIterations;
            if (name == "empty-text") requested.emptyText = options.training.emptyText;
            if (name == "mirror") requested.mirror = options.training.mirror;
        }
        if (const std::string differences = engine::TrainingOptions::scheduleDifferences(requested, *stored);
            !differences.empty())
            return fail(Error(ErrorCode::InvalidArgument, "--resume: the options differ from those the run was started with")
                            .withDetail(differences));
        trainer = engine::BtddnetTrainer::resume(*stored);
    } else {
        auto initial = startingNetwork(options);
        if (!initial)
            return fail(initial.error());
        trainer = engine::BtddnetTrainer::start(options.training, std::move(*initial));
    }
    if (!trainer)
        return fail(trainer.error());
    if (options.resume)
        std::cout << "train: resuming at step " << trainer->progress().iteration << " of " << trainer->totalIterations()
                  << '\n' << std::flush;
    else
        std::cout << "train: " << trainer->totalIterations() << " steps (" << trainer->iterationsPerEpoch()
                  << " per epoch)\n" << std::flush;

    Result<engine::TrainingSummary> summary = Error(ErrorCode::Internal, "not run");
    {
        InterruptCancels interrupt(feedback);
        summary = trainer->run(feedback);
    }
    if (terminal)
        std::cerr << '\n';
    if (!summary)
        return fail(summary.error());
    const std::filesystem::path run = options.training.runDirectory;
    std::cout << "train: " << (summary->finished ? "finished" : "paused") << " at step " << summary->iteration << " of "
              << summary->totalIterations << '\n';
    if (summary->validated) {
        std::cout << fmt::format("train: last validation mIoU {:.2f}, oIoU {:.2f} ({} samples)\n",
                                 100.0 * summary->lastValidation.mIoU, 100.0 * summary->lastValidation.oIoU,
                                 summary->lastValidation.samples);
    }
    if (summary->bestEpoch > 0)
        std::cout << fmt::format("train: best val oIoU {:.2f} (mIoU {:.2f}) at epoch {}: {}\n",
                                 100.0 * summary->bestOIoU, 100.0 * summary->bestMIoU, summary->bestEpoch,
                                 (run / engine::BtddnetTrainer::bestModelName).string());
    std::cout << "train: checkpoint " << (run / engine::BtddnetTrainer::checkpointName).string() << '\n';
    return ExitSuccess;
}

} // namespace

Command addTrainCommand(CLI::App& app)
{
    auto options = std::make_shared<TrainOptions>();
    engine::TrainingOptions& t = options->training;
    CLI::App* command = app.add_subcommand("train",
        "Train BTDDNet on a referring-segmentation dataset (RefSegRS or RRSIS-D layout, or one made by "
        "'refermap-cli synth'). Writes RUN_DIR/checkpoint.safetensors (resume with --resume), "
        "best.refermap (best val oIoU), last.refermap and train.csv. Ctrl-C stops between steps; "
        "'--resume' continues from the last checkpoint.");
    command->add_option("DATASET_DIR", t.dataset, "Dataset folder with train and val splits")->required();
    command->add_option("-o,--output", t.runDirectory, "Run folder (created; holds checkpoints, models and the log)")
        ->required();
    auto* init = command->add_option("--init", options->init,
        "Start from this model file (e.g. one made by 'refermap-cli model import-backbones')");
    command->add_option("--preset", options->preset, "Start from a fresh network of this size: tiny (default) or base")
        ->check(CLI::IsMember({"tiny", "base"}))
        ->excludes(init);
    command->add_option("--config", options->configFile, "Start from a fresh network of this configuration (JSON)")
        ->excludes(init);
    command->add_option("--vocab", options->vocabulary,
        "WordPiece vocabulary of a fresh network (default: the bundled bert-base-uncased vocabulary)");
    command->add_flag("--resume", options->resume, "Continue the run in RUN_DIR from its last complete checkpoint");
    command->add_option("--epochs", t.epochs, "Epochs (default 50)")->check(CLI::PositiveNumber);
    command->add_option("--batch", t.batchSize, "Samples per forward pass (default 8)")->check(CLI::PositiveNumber);
    command->add_option("--accumulate", t.accumulate, "Forward passes per optimizer step (default 1)")
        ->check(CLI::PositiveNumber);
    command->add_option("--lr", t.learningRate, "Learning rate outside the backbones (default 1e-4)")
        ->check(CLI::PositiveNumber);
    command->add_option("--lr-backbone", t.backboneLearningRate,
                        "Learning rate of Swin and BERT (default 1e-5; 0 freezes them)")
        ->check(CLI::NonNegativeNumber);
    command->add_option("--weight-decay", t.weightDecay, "AdamW weight decay (default 0.01)")
        ->check(CLI::NonNegativeNumber);
    command->add_option("--clip", t.clipNorm, "Clip the gradient norm to this value (default 0: off)")
        ->check(CLI::NonNegativeNumber);
    command->add_option("--seed", t.seed, "Seed of the data order, sentence choice, dropout and a fresh network (default 0)");
    command->add_option("--max-iterations", t.maxIterations,
                        "End the run (and its learning-rate schedule) after this many optimizer steps")
        ->check(CLI::NonNegativeNumber);
    command->add_flag("--empty-text", t.emptyText,
                      "Ablation: replace every expression by an empty string (measures what the text adds)");
    command->add_flag("--mirror", t.mirror,
                      "Augment: show each sample mirrored left-right and/or top-bottom at random, with direction "
                      "words (left/right, top/bottom, north/south, ...) swapped to match (default: off, as in the "
                      "reference recipe)");
    command->add_option("--device", t.device, "auto (default), cpu, cuda or cuda:N");
    command->add_option("--threads", t.threads, "Compute threads (default 0: every core)")->check(CLI::NonNegativeNumber);
    command->add_option("--eval-batch", t.evalBatchSize, "Validation batch size (default: --batch)")
        ->check(CLI::NonNegativeNumber);
    command->add_option("--checkpoint-every", t.checkpointEvery,
                        "Also checkpoint every N steps (default 0: at the end of each epoch)")
        ->check(CLI::NonNegativeNumber);
    command->add_option("--stop-after", t.stopAfter,
                        "Pause after step N with a checkpoint (the schedule is unchanged; continue with --resume)")
        ->check(CLI::NonNegativeNumber);

    return {command, [options, command]() {
                std::vector<std::string> explicitSchedule;
                for (const char* name : {"epochs", "batch", "accumulate", "lr", "lr-backbone", "weight-decay", "clip",
                                         "seed", "max-iterations", "empty-text", "mirror"}) {
                    if (command->count(std::string("--") + name) > 0)
                        explicitSchedule.emplace_back(name);
                }
                return runTrain(*options, explicitSchedule);
            }};
}

} // namespace refermap::cli
