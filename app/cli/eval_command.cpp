// `refermap-cli eval`: scores a model file on one split of a referring dataset, as the paper's tables do.
#include "cli_commands.h"

#include "engine/referring_dataset.h"
#include "engine/referring_evaluator.h"
#include "model/blas_backend.h"
#include "model/btddnet_file.h"
#include "model/compute_device.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>
#include <iostream>
#include <memory>
#include <unistd.h>

namespace refermap::cli {

namespace {

std::atomic<ProgressFeedback*> evalInterruptTarget{nullptr};

extern "C" void cancelEvaluationOnInterrupt(int)
{
    if (ProgressFeedback* feedback = evalInterruptTarget.load())
        feedback->cancel();
    std::signal(SIGINT, SIG_DFL);
}

struct EvalOptions {
    std::string model;
    std::string dataset;
    std::string split = "test";
    int batch = 8;
    std::string device = "auto";
    int threads = 0;
    bool emptyText = false;
    bool json = false;
};

int fail(const Error& error)
{
    std::cerr << "refermap-cli: error: " << error.message() << '\n';
    return exitCodeFor(error);
}

int runEval(const EvalOptions& options)
{
    auto split = engine::parseDatasetSplit(options.split);
    if (!split)
        return fail(split.error());
    auto device = model::resolveComputeDevice(options.device);
    if (!device)
        return fail(device.error());
    if (options.threads > 0)
        model::configureComputeThreads(options.threads);
    auto loaded = model::loadBtddnetFile(options.model);
    if (!loaded)
        return fail(loaded.error());
    auto dataset = engine::openReferringDataset(options.dataset, *split);
    if (!dataset)
        return fail(dataset.error());

    const bool terminal = ::isatty(STDERR_FILENO);
    ProgressFeedback feedback(std::chrono::milliseconds(terminal ? 200 : 5000));
    feedback.setListener([terminal](const ProgressUpdate& update) {
        const std::string line = fmt::format("eval: {:5.1f}% {}", update.fraction * 100.0, update.message);
        if (terminal)
            std::cerr << '\r' << line << "\033[K" << std::flush;
        else
            std::cerr << line << '\n';
    });
    engine::EvaluationOptions evaluation;
    evaluation.batchSize = options.batch;
    evaluation.emptyText = options.emptyText;
    evalInterruptTarget.store(&feedback);
    const auto previous = std::signal(SIGINT, cancelEvaluationOnInterrupt);
    ProgressRange range(feedback, 0.0, 1.0);
    auto metrics = engine::evaluateReferring(loaded->model, loaded->tokenizer, **dataset, evaluation, *device, range);
    std::signal(SIGINT, previous == SIG_ERR ? SIG_DFL : previous);
    evalInterruptTarget.store(nullptr);
    if (terminal)
        std::cerr << '\n';
    if (!metrics)
        return fail(metrics.error());

    const engine::ReferringScores scores = metrics->scores();
    if (options.json) {
        nlohmann::ordered_json json = {
            {"model", options.model},
            {"dataset", (*dataset)->name()},
            {"split", options.split},
            {"samples", scores.samples},
            {"precision", nlohmann::ordered_json::object()},
            {"oIoU", scores.oIoU},
            {"mIoU", scores.mIoU},
        };
        for (std::size_t index = 0; index < engine::referringPrecisionThresholds.size(); ++index)
            json["precision"][fmt::format("{:.1f}", engine::referringPrecisionThresholds[index])] =
                scores.precisionAt[index];
        std::cout << json.dump(2) << '\n';
    } else {
        std::cout << fmt::format("{} {} split, {} samples ({})\n", (*dataset)->name(), options.split, scores.samples,
                                 options.model)
                  << engine::ReferringMetrics::tableHeader() << '\n'
                  << metrics->tableRow() << '\n';
    }
    return ExitSuccess;
}

} // namespace

Command addEvalCommand(CLI::App& app)
{
    auto options = std::make_shared<EvalOptions>();
    CLI::App* command = app.add_subcommand("eval",
        "Score a model on a referring-segmentation dataset split (every expression of every object): "
        "Pr@0.5..0.9, oIoU and mIoU in percent, the columns of the paper's tables.");
    command->add_option("MODEL", options->model, "Model file (.refermap)")->required();
    command->add_option("DATASET_DIR", options->dataset, "Dataset folder (RefSegRS or RRSIS-D layout)")->required();
    command->add_option("--split", options->split, "test (default), val or train")
        ->check(CLI::IsMember({"test", "val", "train"}));
    command->add_option("--batch", options->batch, "Samples per forward pass (default 8)")->check(CLI::PositiveNumber);
    command->add_option("--device", options->device, "auto (default), cpu, cuda or cuda:N");
    command->add_option("--threads", options->threads, "Compute threads (default 0: every core)")
        ->check(CLI::NonNegativeNumber);
    command->add_flag("--empty-text", options->emptyText,
                      "Replace every expression by an empty string (to score a model trained with --empty-text)");
    command->add_flag("--json", options->json, "Print JSON for scripts instead of the table row");
    return {command, [options]() { return runEval(*options); }};
}

} // namespace refermap::cli
