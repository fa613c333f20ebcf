// `refermap-cli finetune`: the desktop's "Fine-tune" without a display (issue 7). Learns from the
// masks a user corrected in a project, so a GPU machine can do the work on a project made on a laptop.
#include "bundled_resource.h"
#include "cli_commands.h"
#include "terminal_progress.h"

#include "engine/fine_tune.h"


#include <spdlog/fmt/fmt.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <unistd.h>

namespace refermap::cli {

namespace {

constexpr const char* demoModel = "models/refermap-demo-tiny.refermap";

struct FinetuneCommandOptions {
    engine::FineTuneOptions fineTune;
    std::string project;
    std::string base;
    std::string output;
    std::string runDirectory;
    std::string freeze = engine::fineTuneFreezeName(engine::FineTuneFreeze::Backbones);
    bool noRefresh = false;
    bool mirror = false;
    bool quiet = false;
};

std::string percent(double ratio)
{
    return fmt::format("{:6.2f}", 100.0 * ratio);
}

std::string scoresRow(const std::string& label, const engine::ReferringScores& scores)
{
    std::string row = fmt::format("  {:<7}{} {}", label, percent(scores.mIoU), percent(scores.oIoU));
    for (double precision : scores.precisionAt)
        row += ' ' + percent(precision);
    return row;
}

// The before/after table: both rows are the same held-out samples, so the difference is what the
// fine-tune learnt (on corrections the training never saw).
void printReport(const engine::FineTuneReport& report)
{
    std::cout << fmt::format("finetune: validation on {} held-out sample(s), in percent\n", report.after.samples)
              << "           mIoU   oIoU Pr@0.5 Pr@0.6 Pr@0.7 Pr@0.8 Pr@0.9\n"
              << scoresRow("before", report.before) << '\n'
              << scoresRow("after", report.after) << '\n'
              << fmt::format("finetune: samples: {} for training, {} for validation, from {} layer(s)\n",
                     report.trainSamples, report.validationSamples, report.layers)
              << fmt::format("finetune: model -> {} (base SHA-256 {}, left unchanged)\n", report.output.string(),
                     report.baseSha256)
              << fmt::format("finetune: run folder -> {}\n", report.runDirectory.string());
    if (report.resumed)
        std::cout << fmt::format("finetune: resumed an interrupted run from its checkpoint at step {}\n",
                                 report.resumedIteration);
    else
        std::cout << "finetune: not resumed (a new run)\n";
    std::cout << fmt::format("finetune: {} step(s) in {:.1f} s\n", report.iterations, report.seconds);
}

int runFinetuneCommand(FinetuneCommandOptions& options)
{
    const bool terminal = ::isatty(STDERR_FILENO) != 0;
    auto fail = [terminal](const Error& error) {
        if (terminal)
            std::cerr << '\n';
        std::cerr << "refermap-cli: error: " << error.message() << '\n';
        return exitCodeFor(error);
    };
    engine::FineTuneOptions& fineTune = options.fineTune;
    fineTune.project = options.project;
    fineTune.output = options.output;
    fineTune.runDirectory = options.runDirectory;
    fineTune.refreshSamples = !options.noRefresh;
    fineTune.mirror = options.mirror;
    if (options.base.empty()) {
        auto found = findBundledResource(demoModel, "--base FILE");
        if (!found)
            return fail(found.error());
        fineTune.baseModel = *found;
    } else {
        fineTune.baseModel = options.base;
    }
    auto freeze = engine::parseFineTuneFreeze(options.freeze);
    if (!freeze)
        return fail(freeze.error());
    fineTune.freeze = *freeze;
    if (auto valid = fineTune.validate(); !valid)
        return fail(valid.error());

    ProgressFeedback feedback(std::chrono::milliseconds(250));
    showProgress(feedback, "finetune", options.quiet);
    // A resumed run replays its earlier points first: those lines were printed by the run it continues.
    const engine::FineTuneObserver observer = [terminal](const engine::FineTunePoint& point) {
        if (point.kind != engine::FineTunePoint::Kind::Validation || point.replayed)
            return;
        if (terminal)
            std::fputs("\r\033[K", stderr); // the line goes where the progress bar was; the bar redraws below
        std::cout << fmt::format("finetune: epoch {} step {} of {}: val mIoU {:.2f}, oIoU {:.2f} ({} samples)\n",
                         point.epoch, point.iteration, point.totalIterations, 100.0 * point.scores.mIoU,
                         100.0 * point.scores.oIoU, point.scores.samples)
                  << std::flush;
    };

    Result<engine::FineTuneReport> report = Error(ErrorCode::Internal, "the fine-tune did not run");
    {
        InterruptCancels interrupts(feedback);
        report = engine::runFineTune(fineTune, feedback, observer);
    }
    if (!report) {
        if (report.error().code() != ErrorCode::Cancelled)
            return fail(report.error());
        std::cerr << (terminal ? "\n" : "")
                  << "refermap-cli: cancelled; no model was written. The last checkpoint stays in the run folder: "
                     "run the same command again to continue from it.\n";
        return ExitCancelled;
    }
    printReport(*report);
    return ExitSuccess;
}

} // namespace

Command addFinetuneCommand(CLI::App& app)
{
    auto options = std::make_shared<FinetuneCommandOptions>();
    engine::FineTuneOptions& f = options->fineTune;
    CLI::App* command = app.add_subcommand("finetune",
        "Fine-tune a model on the corrections made in a project: writes a new model that has learnt from them. "
        "The same job as the desktop's Fine-tune dialog, without a display.");
    command->footer(
        "What it learns from: a correction is a query's mask layer whose mask you edited (painted or erased) "
        "in ReferMap. Each edited layer gives training samples: its query text with image chips around the "
        "edited areas and the corrected mask, plus chips of the same query without the target, so the model "
        "also learns where not to fire. The chips are stored in the project file, so they travel with it and "
        "keep working when the raster moves; layers edited again since are sampled again (--no-refresh keeps "
        "the stored samples).\n"
        "A share of the samples (--val-share) is held out: the base model and the new one are both scored on "
        "them, and the model of the best validation is written to OUTPUT with its provenance (base model and "
        "its SHA-256, samples, settings, IoU before and after; see 'refermap-cli model info OUTPUT'). The base "
        "model file is only read, never written, and OUTPUT may not be the base model.\n"
        "Resuming: checkpoints go to the run folder (default OUTPUT.run beside OUTPUT). Ctrl-C stops cleanly "
        "(exit 130, no model written, the checkpoint kept); after that, or a crash, running the same command "
        "again continues from the last checkpoint. --restart discards it.\n\n"
        "Example:\n  refermap-cli finetune harbour.refermap.gpkg --base current.refermap -o harbour-tuned.refermap "
        "--device cuda");
    command->add_option("PROJECT", options->project, "The project file with the corrections (*.refermap.gpkg)")
        ->required();
    command->add_option("--base", options->base,
        std::string("The model to start from, usually the one the corrected queries ran with (default: the "
                    "bundled demo model, resources/")
            + demoModel + ")");
    command->add_option("-o,--output", options->output, "The new model file (never the base model)")->required();
    command->add_option("--run-dir", options->runDirectory,
        "Folder for checkpoints and the training log (default: OUTPUT.run beside OUTPUT)");
    command->add_flag("--restart", f.restart, "Discard a checkpoint in the run folder and start again");
    command->add_option("--layer", f.layers,
        "Learn from this mask layer only (its id; repeat for several; default: every edited layer)");
    command->add_flag("--no-refresh", options->noRefresh,
        "Use the samples stored in the project as they are, even for layers edited since they were taken");
    command->add_option("--val-share", f.validationShare,
        "Share of the samples held out for validation (default 0.2; at least one sample)")
        ->check(CLI::Range(0.0, 1.0));
    command->add_option("--seed", f.seed, "Seed of the validation split, data order and dropout (default 0)");
    command->add_option("--epochs", f.epochs, "Passes over the training samples (default 10)")
        ->check(CLI::PositiveNumber);
    command->add_option("--max-steps", f.maxIterations,
        "End the run (and its learning-rate schedule) after this many optimizer steps (default 0: no limit)")
        ->check(CLI::NonNegativeNumber);
    command->add_option("--batch", f.batchSize, "Samples per optimizer step (default 4)")->check(CLI::PositiveNumber);
    command->add_option("--lr", f.learningRate, "Learning rate of BSC, MCI, predictor and JR (default 1e-4)")
        ->check(CLI::PositiveNumber);
    command->add_option("--lr-backbone", f.backboneLearningRate,
        "Learning rate of Swin and BERT when they train (--freeze none; default 1e-6)")
        ->check(CLI::NonNegativeNumber);
    command->add_option("--freeze", options->freeze,
        "What stays as it is: backbones (default: Swin and BERT; BSC, MCI, predictor and JR train) or none")
        ->check(CLI::IsMember({engine::fineTuneFreezeName(engine::FineTuneFreeze::None),
                               engine::fineTuneFreezeName(engine::FineTuneFreeze::Backbones)}));
    command->add_flag("--mirror", options->mirror,
        "Also show each training sample mirrored left-right and/or top-bottom, with direction words such as "
        "left/right and north/south swapped to match (default: off)");
    command->add_option("--device", f.device, "auto (default), cpu, cuda or cuda:N");
    command->add_option("--threads", f.threads, "CPU compute threads (default 0: every core)")
        ->check(CLI::NonNegativeNumber);
    command->add_option("--checkpoint-every", f.checkpointEvery,
        "Checkpoint every N optimizer steps, and at each epoch's end (default 10)")
        ->check(CLI::PositiveNumber);
    command->add_flag("-q,--quiet", options->quiet, "No progress on stderr");
    return {command, [options]() { return runFinetuneCommand(*options); }};
}

} // namespace refermap::cli
