#include "engine/training_options.h"

#include <nlohmann/json.hpp>

namespace refermap::engine {

namespace {

Error invalid(const std::string& option, const std::string& why)
{
    return Error(ErrorCode::InvalidArgument, "invalid training option").withKey(option).withDetail(why);
}

nlohmann::json scheduleOf(const TrainingOptions& options)
{
    return {
        {"epochs", options.epochs},
        {"batch_size", options.batchSize},
        {"accumulate", options.accumulate},
        {"learning_rate", options.learningRate},
        {"backbone_learning_rate", options.backboneLearningRate},
        {"weight_decay", options.weightDecay},
        {"poly_power", options.polyPower},
        {"clip_norm", options.clipNorm},
        {"seed", options.seed},
        {"max_iterations", options.maxIterations},
        {"empty_text", options.emptyText},
        {"freeze_backbones", options.freezeBackbones},
        {"mirror", options.mirror},
        {"project_layers", options.projectLayers},
    };
}

} // namespace

Result<void> TrainingOptions::validate() const
{
    if (epochs < 1)
        return invalid("epochs", "must be at least 1");
    if (batchSize < 1)
        return invalid("batch", "must be at least 1");
    if (accumulate < 1)
        return invalid("accumulate", "must be at least 1");
    if (!(learningRate > 0) || !(backboneLearningRate >= 0))
        return invalid("lr", "learning rates must be positive (the backbone's may be 0 to freeze it)");
    if (!(weightDecay >= 0))
        return invalid("weight-decay", "must be non-negative");
    if (!(polyPower >= 0))
        return invalid("poly-power", "must be non-negative");
    if (!(clipNorm >= 0))
        return invalid("clip", "must be non-negative (0 = no clipping)");
    if (maxIterations < 0 || stopAfter < 0 || checkpointEvery < 0)
        return invalid("max-iterations", "iteration counts must be non-negative");
    if (threads < 0 || evalBatchSize < 0)
        return invalid("threads", "must be non-negative");
    if (dataset.empty())
        return invalid("dataset", "no dataset folder given");
    if (runDirectory.empty())
        return invalid("output", "no run folder given");
    return {};
}

std::string TrainingOptions::scheduleJson() const
{
    return scheduleOf(*this).dump();
}

Result<TrainingOptions> TrainingOptions::withSchedule(const TrainingOptions& session, const std::string& json)
{
    TrainingOptions options = session;
    try {
        const auto stored = nlohmann::json::parse(json);
        if (!stored.is_object())
            return Error(ErrorCode::InvalidData, "the stored training options are not a JSON object");
        auto take = [&](const char* key, auto& field) {
            if (stored.contains(key))
                field = stored.at(key).get<std::decay_t<decltype(field)>>();
        };
        take("epochs", options.epochs);
        take("batch_size", options.batchSize);
        take("accumulate", options.accumulate);
        take("learning_rate", options.learningRate);
        take("backbone_learning_rate", options.backboneLearningRate);
        take("weight_decay", options.weightDecay);
        take("poly_power", options.polyPower);
        take("clip_norm", options.clipNorm);
        take("seed", options.seed);
        take("max_iterations", options.maxIterations);
        take("empty_text", options.emptyText);
        take("freeze_backbones", options.freezeBackbones);
        take("mirror", options.mirror);
        take("project_layers", options.projectLayers);
    } catch (const nlohmann::json::exception& e) {
        return Error(ErrorCode::InvalidData, "the stored training options cannot be read").withDetail(e.what());
    }
    return options;
}

std::string TrainingOptions::scheduleDifferences(const TrainingOptions& a, const TrainingOptions& b)
{
    const auto left = scheduleOf(a);
    const auto right = scheduleOf(b);
    std::string differences;
    for (const auto& item : left.items()) {
        if (item.value() != right.at(item.key())) {
            differences += (differences.empty() ? "" : ", ") + item.key() + " " + item.value().dump() + " vs "
                + right.at(item.key()).dump();
        }
    }
    return differences;
}

} // namespace refermap::engine
