#include "engine/fine_tune.h"

#include "common/atomic_file.h"
#include "common/sha256.h"
#include "engine/btddnet_trainer.h"
#include "engine/correction_dataset.h"
#include "engine/correction_samples.h"
#include "engine/query_runner.h"
#include "engine/referring_evaluator.h"
#include "model/btddnet_file.h"
#include "model/blas_backend.h"
#include "model/compute_device.h"
#include "project/project_store.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>

namespace refermap::engine {

namespace {

constexpr const char* identityName = "finetune.json";

Error invalid(const std::string& option, const std::string& why)
{
    return Error(ErrorCode::InvalidArgument, "invalid fine-tune option").withKey(option).withDetail(why);
}

std::string number(double value)
{
    std::ostringstream text;
    text.precision(6);
    text << value;
    return text.str();
}

bool samePath(const std::filesystem::path& a, const std::filesystem::path& b)
{
    std::error_code status;
    if (std::filesystem::exists(a, status) && std::filesystem::exists(b, status))
        return std::filesystem::equivalent(a, b, status);
    return std::filesystem::weakly_canonical(a, status) == std::filesystem::weakly_canonical(b, status);
}

// The query tile a layer ran with ("tile" in its settings; 0 or absent: the model's default).
int layerTileSize(const project::MaskLayerRecord& layer, int modelDefault)
{
    try {
        const auto json = nlohmann::json::parse(layer.settingsJson.empty() ? "{}" : layer.settingsJson);
        const int tile = json.value("tile", 0);
        if (tile >= 32 && tile <= 4096)
            return tile;
    } catch (const std::exception&) {
        // unreadable settings: takeCorrectionSamples reports them
    }
    return modelDefault;
}

// Forwards a sub-job's progress into a slice of the whole job's, and the whole job's cancel into it.
class SliceFeedback {
public:
    SliceFeedback(ProgressFeedback& parent, double begin, double end)
        : range_(parent, begin, end)
        , parent_(parent)
        , feedback_(std::chrono::milliseconds(0))
    {
        feedback_.setListener([this](const ProgressUpdate& update) {
            range_.setProgress(update.fraction, update.message);
            if (parent_.isCancelled())
                feedback_.cancel();
        });
    }
    ProgressFeedback& feedback()
    {
        if (parent_.isCancelled())
            feedback_.cancel();
        return feedback_;
    }
    void pollCancel()
    {
        if (parent_.isCancelled())
            feedback_.cancel();
    }

private:
    ProgressRange range_;
    ProgressFeedback& parent_;
    ProgressFeedback feedback_;
};

Result<ReferringScores> validate(model::Btddnet& network, const model::WordpieceTokenizer& tokenizer,
                                 const ReferringDataset& dataset, int batchSize, c10::Device device,
                                 ProgressRange& progress)
{
    EvaluationOptions evaluation;
    evaluation.batchSize = batchSize;
    auto metrics = evaluateReferring(network, tokenizer, dataset, evaluation, device, progress);
    if (!metrics)
        return metrics.error();
    return metrics->scores();
}

// Replays the rows of a resumed run's train.csv (kept up to its checkpoint) to the observer, so a
// chart shows the whole run. Columns: epoch,iteration,lr,lr_backbone,loss,...,val_mIoU,val_oIoU,seconds.
void replayLog(const std::filesystem::path& file, std::int64_t total, const FineTuneObserver& observer)
{
    std::ifstream in(file);
    std::string line;
    std::getline(in, line); // header
    while (std::getline(in, line)) {
        std::vector<std::string> fields;
        std::stringstream row(line);
        std::string field;
        while (std::getline(row, field, ','))
            fields.push_back(field);
        if (fields.size() < 10)
            continue;
        try {
            FineTunePoint point;
            point.replayed = true;
            point.epoch = std::stoi(fields[0]);
            point.iteration = std::stoll(fields[1]);
            point.totalIterations = total;
            if (!fields[4].empty()) {
                point.kind = FineTunePoint::Kind::TrainingLoss;
                point.loss = std::stod(fields[4]);
            } else if (!fields[8].empty() && !fields[9].empty()) {
                point.kind = FineTunePoint::Kind::Validation;
                point.scores.mIoU = std::stod(fields[8]);
                point.scores.oIoU = std::stod(fields[9]);
            } else {
                continue;
            }
            observer(point);
        } catch (const std::exception&) {
            // a damaged row: the chart misses one point
        }
    }
}

} // namespace

const char* fineTuneFreezeName(FineTuneFreeze freeze)
{
    return freeze == FineTuneFreeze::Backbones ? "backbones" : "none";
}

Result<FineTuneFreeze> parseFineTuneFreeze(const std::string& name)
{
    if (name == "none")
        return FineTuneFreeze::None;
    if (name == "backbones")
        return FineTuneFreeze::Backbones;
    return invalid("freeze", "'" + name + "' is not one of: none, backbones");
}

Result<void> FineTuneOptions::validate() const
{
    if (project.empty())
        return invalid("project", "no project file given");
    if (baseModel.empty())
        return invalid("base", "no base model given");
    if (output.empty())
        return invalid("output", "no output model file given");
    if (!(validationShare > 0.0 && validationShare < 1.0))
        return invalid("val-share", "must lie strictly between 0 and 1 (some samples must validate)");
    if (epochs < 1)
        return invalid("epochs", "must be at least 1");
    if (maxIterations < 0)
        return invalid("max-steps", "must be non-negative");
    if (batchSize < 1)
        return invalid("batch", "must be at least 1");
    if (!(learningRate > 0.0))
        return invalid("lr", "must be positive");
    if (!(backboneLearningRate >= 0.0))
        return invalid("lr-backbone", "must be non-negative");
    if (threads < 0)
        return invalid("threads", "must be non-negative");
    if (checkpointEvery < 0)
        return invalid("checkpoint-every", "must be non-negative");
    return {};
}

std::filesystem::path fineTuneRunDirectory(const FineTuneOptions& options)
{
    return options.runDirectory.empty() ? std::filesystem::path(options.output.string() + ".run")
                                        : options.runDirectory;
}

bool fineTuneCanResume(const FineTuneOptions& options)
{
    std::error_code status;
    return !options.output.empty()
        && std::filesystem::is_regular_file(fineTuneRunDirectory(options) / BtddnetTrainer::checkpointName, status);
}

Result<FineTuneReport> runFineTune(const FineTuneOptions& options, ProgressFeedback& feedback,
                                   const FineTuneObserver& observer)
{
    const auto started = std::chrono::steady_clock::now();
    if (auto valid = options.validate(); !valid)
        return valid.error();
    std::error_code status;
    if (!std::filesystem::is_regular_file(options.project, status))
        return Error(ErrorCode::NotFound, "the project file does not exist").withFile(options.project.string());
    if (!std::filesystem::is_regular_file(options.baseModel, status))
        return Error(ErrorCode::NotFound, "the base model file does not exist").withFile(options.baseModel.string());
    if (samePath(options.output, options.baseModel))
        return Error(ErrorCode::InvalidArgument, "the output would overwrite the base model; choose another file")
            .withFile(options.output.string());
    if (samePath(options.output, options.project))
        return Error(ErrorCode::InvalidArgument, "the output would overwrite the project").withFile(options.output.string());

    FineTuneReport report;
    report.output = options.output;
    report.runDirectory = fineTuneRunDirectory(options);

    feedback.setProgress(0.0, "checking the base model");
    auto baseHash = Sha256::ofFile(options.baseModel);
    if (!baseHash)
        return baseHash.error();
    report.baseSha256 = *baseHash;
    auto base = model::loadBtddnetFile(options.baseModel);
    if (!base)
        return Error(base.error().code(), "the base model cannot be used: " + base.error().message())
            .withFile(options.baseModel.string());
    const int modelTile = defaultQueryTileSize(*base);

    // 1. Samples from the corrections (0 - 10 %).
    std::vector<std::int64_t> layerIds;
    std::string samplesIdentity;
    {
        auto store = project::ProjectStore::open(options.project);
        if (!store)
            return store.error();
        auto layers = store->maskLayers();
        if (!layers)
            return layers.error();
        for (const std::int64_t wanted : options.layers) {
            if (std::none_of(layers->begin(), layers->end(), [&](const auto& layer) { return layer.id == wanted; }))
                return Error(ErrorCode::NotFound, "the project has no mask layer with this id")
                    .withFile(options.project.string())
                    .withKey("refermap_mask_layers/" + std::to_string(wanted));
        }
        std::vector<project::MaskLayerRecord> chosen;
        for (const auto& layer : *layers) {
            if (!options.layers.empty()
                && std::find(options.layers.begin(), options.layers.end(), layer.id) == options.layers.end())
                continue;
            auto edited = store->editedMaskTileKeys(layer.id);
            if (!edited)
                return edited.error();
            auto stored = store->trainingSamples(layer.id);
            if (!stored)
                return stored.error();
            if (!edited->empty() || !stored->empty())
                chosen.push_back(layer);
        }
        if (chosen.empty())
            return Error(ErrorCode::InvalidData,
                         options.layers.empty()
                             ? "the project has no corrected mask layer: edit a query's mask (brush, eraser, polygon) "
                               "and save the project first"
                             : "none of the chosen mask layers has been corrected")
                .withFile(options.project.string());
        for (std::size_t i = 0; i < chosen.size(); ++i) {
            CorrectionSampleOptions sampling;
            sampling.chipSize = layerTileSize(chosen[i], modelTile);
            sampling.validationShare = options.validationShare;
            sampling.seed = options.seed;
            sampling.refresh = options.refreshSamples;
            ProgressRange range(feedback, 0.1 * i / chosen.size(), 0.1 * (i + 1) / chosen.size());
            auto taken = takeCorrectionSamples(*store, chosen[i], sampling, range);
            if (!taken)
                return taken.error();
            report.trainSamples += taken->train;
            report.validationSamples += taken->validation;
            layerIds.push_back(chosen[i].id);
        }
        report.layers = layerIds.size();
        auto samples = store->trainingSamples();
        if (!samples)
            return samples.error();
        Sha256 identity;
        for (const auto& sample : *samples) {
            if (std::find(layerIds.begin(), layerIds.end(), sample.layerId) != layerIds.end())
                identity.update(std::to_string(sample.id) + ":" + sample.layerEditsSha256 + (sample.validation ? "v" : "t")
                                + ";");
        }
        samplesIdentity = identity.hex();
    }
    if (report.trainSamples == 0 || report.validationSamples == 0)
        return Error(ErrorCode::InvalidData,
                     "too few corrected areas: fine-tuning needs at least two chips (one to train on, one to "
                     "validate with); correct more of the mask")
            .withFile(options.project.string())
            .withDetail(std::to_string(report.trainSamples) + " to train, " + std::to_string(report.validationSamples)
                        + " to validate");

    // 2. The training run, resumable in its folder.
    TrainingOptions training;
    training.dataset = options.project;
    training.runDirectory = report.runDirectory;
    training.epochs = options.epochs;
    training.batchSize = options.batchSize;
    training.learningRate = options.learningRate;
    training.backboneLearningRate = options.backboneLearningRate;
    training.seed = options.seed;
    training.maxIterations = options.maxIterations;
    training.freezeBackbones = options.freeze == FineTuneFreeze::Backbones;
    training.mirror = options.mirror;
    training.projectLayers = layerIds;
    training.device = options.device;
    training.threads = options.threads;
    training.checkpointEvery = options.checkpointEvery;
    const nlohmann::json identity{{"base_model_sha256", report.baseSha256},
                                  {"samples", samplesIdentity},
                                  {"schedule", nlohmann::json::parse(training.scheduleJson())}};
    const std::filesystem::path identityFile = report.runDirectory / identityName;
    const std::filesystem::path checkpoint = report.runDirectory / BtddnetTrainer::checkpointName;
    if (options.restart) {
        for (const char* name : {BtddnetTrainer::checkpointName, BtddnetTrainer::bestModelName,
                                 BtddnetTrainer::lastModelName, BtddnetTrainer::logName, identityName})
            std::filesystem::remove(report.runDirectory / name, status);
    }
    report.resumed = std::filesystem::exists(checkpoint, status);
    if (report.resumed) {
        std::ifstream in(identityFile);
        nlohmann::json stored;
        try {
            in >> stored;
        } catch (const std::exception&) {
            stored = nullptr;
        }
        if (stored != identity)
            return Error(ErrorCode::InvalidArgument,
                         "the run folder holds a checkpoint of another fine-tune (other base model, samples or "
                         "settings); choose another output or start over")
                .withFile(report.runDirectory.string());
    }

    auto device = model::resolveComputeDevice(options.device);
    if (!device)
        return device.error();
    if (options.threads > 0)
        model::configureComputeThreads(options.threads);
    auto validation = CorrectionDataset::open(options.project, DatasetSplit::Val, layerIds);
    if (!validation)
        return validation.error();
    {
        ProgressRange range(feedback, 0.1, 0.15);
        feedback.setProgress(0.1, "validating the base model");
        auto before = validate(base->model, base->tokenizer, **validation, options.batchSize, *device, range);
        if (!before)
            return before.error();
        report.before = *before;
    }
    spdlog::info("fine-tune: base model on {} held-out samples: mIoU {:.4f}, oIoU {:.4f}", report.before.samples,
                 report.before.mIoU, report.before.oIoU);

    Result<BtddnetTrainer> trainer = Error(ErrorCode::Internal, "no trainer");
    if (report.resumed) {
        trainer = BtddnetTrainer::resume(training);
    } else {
        std::filesystem::create_directories(report.runDirectory, status);
        if (status)
            return Error(ErrorCode::Io, "cannot create the run folder").withFile(report.runDirectory.string()).withDetail(status.message());
        if (auto written = writeFileAtomically(identityFile, identity.dump(2) + "\n"); !written)
            return written.error();
        // The base tokenizer moves into the run (the base is not validated again).
        model::LoadedBtddnet initial{base->model, std::move(base->tokenizer), base->provenance};
        trainer = BtddnetTrainer::start(training, std::move(initial));
    }
    if (!trainer)
        return trainer.error();
    if (report.resumed)
        report.resumedIteration = trainer->progress().iteration;
    if (report.resumed && observer)
        replayLog(report.runDirectory / BtddnetTrainer::logName, trainer->totalIterations(), observer);

    SliceFeedback slice(feedback, 0.15, 0.95);
    TrainingObserver watch;
    const std::int64_t total = trainer->totalIterations();
    watch.onStep = [&](int epoch, std::int64_t iteration, double loss) {
        slice.pollCancel();
        if (observer)
            observer({FineTunePoint::Kind::TrainingLoss, iteration, total, epoch, loss, {}, false});
    };
    watch.onValidation = [&](int epoch, std::int64_t iteration, const ReferringScores& scores) {
        slice.pollCancel();
        if (observer)
            observer({FineTunePoint::Kind::Validation, iteration, total, epoch, 0.0, scores, false});
    };
    auto summary = trainer->run(slice.feedback(), watch);
    if (!summary) {
        if (summary.error().code() == ErrorCode::Cancelled)
            return Error(ErrorCode::Cancelled, "fine-tuning cancelled; run it again to continue from the last checkpoint")
                .withFile(report.runDirectory.string());
        return summary.error();
    }
    report.iterations = summary->iteration;

    // 3. The best epoch's model, validated again and written with its provenance.
    feedback.setProgress(0.95, "validating the fine-tuned model");
    auto best = model::loadBtddnetFile(report.runDirectory / BtddnetTrainer::bestModelName);
    if (!best)
        return best.error();
    {
        ProgressRange range(feedback, 0.95, 0.99);
        auto after = validate(best->model, best->tokenizer, **validation, options.batchSize, *device, range);
        if (!after)
            return after.error();
        report.after = *after;
    }
    if (report.after.oIoU < report.before.oIoU)
        spdlog::warn("fine-tune: the new model validates worse than the base (oIoU {:.4f} < {:.4f}); more or "
                     "other corrections, or other settings, may help",
                     report.after.oIoU, report.before.oIoU);

    std::map<std::string, std::string> provenance;
    for (const auto& [key, value] : base->provenance) {
        if (key == "query_tile_size")
            provenance[key] = value; // queries keep the base's ground resolution
        else if (key.rfind("base_", 0) != 0)
            provenance["base_" + key] = value;
    }
    std::string layerList;
    for (const std::int64_t id : layerIds)
        layerList += (layerList.empty() ? "" : ",") + std::to_string(id);
    provenance["query_tile_size"] = std::to_string(modelTile);
    provenance["trained_with"] = "refermap fine-tune";
    provenance["base_model"] = options.baseModel.filename().string();
    provenance["base_model_sha256"] = report.baseSha256;
    provenance["finetune_project"] = options.project.filename().string();
    provenance["finetune_layers"] = layerList;
    provenance["finetune_samples"] = std::to_string(report.trainSamples) + " train, "
        + std::to_string(report.validationSamples) + " validation (sha256 " + samplesIdentity + ")";
    provenance["finetune_options"] = nlohmann::json{{"schedule", nlohmann::json::parse(training.scheduleJson())},
                                                    {"freeze", fineTuneFreezeName(options.freeze)},
                                                    {"validation_share", options.validationShare}}
                                         .dump();
    provenance["finetune_iterations"] = std::to_string(report.iterations);
    provenance["before_val_mIoU"] = number(report.before.mIoU);
    provenance["before_val_oIoU"] = number(report.before.oIoU);
    provenance["after_val_mIoU"] = number(report.after.mIoU);
    provenance["after_val_oIoU"] = number(report.after.oIoU);
    if (auto saved = model::saveBtddnetFile(options.output, best->model, best->tokenizer, provenance); !saved)
        return saved.error();
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    feedback.setProgress(1.0, "done");
    spdlog::info("fine-tune: wrote '{}' (val oIoU {:.4f} -> {:.4f}, {} steps, {:.0f} s)", options.output.string(),
                 report.before.oIoU, report.after.oIoU, report.iterations, report.seconds);
    return report;
}

} // namespace refermap::engine
