#include "engine/training_checkpoint.h"

#include "model/model_file.h"
#include "model/safetensors.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <optional>
#include <vector>

namespace refermap::engine {

namespace {

constexpr const char* formatName = "refermap-training-checkpoint";
const std::string modelPrefix = "model.";
const std::string expAvgPrefix = "optimizer.exp_avg.";
const std::string expAvgSqPrefix = "optimizer.exp_avg_sq.";
const std::string stepPrefix = "optimizer.step.";

std::optional<model::TensorDtype> fileDtype(torch::ScalarType type)
{
    switch (type) {
    case torch::kFloat32: return model::TensorDtype::F32;
    case torch::kFloat16: return model::TensorDtype::F16;
    case torch::kBFloat16: return model::TensorDtype::BF16;
    case torch::kInt64: return model::TensorDtype::I64;
    case torch::kInt32: return model::TensorDtype::I32;
    case torch::kUInt8: return model::TensorDtype::U8;
    case torch::kBool: return model::TensorDtype::Bool;
    default: return std::nullopt;
    }
}

nlohmann::json progressJson(const TrainingProgress& progress)
{
    return {
        {"epoch", progress.epoch},
        {"iteration", progress.iteration},
        {"iteration_in_epoch", progress.iterationInEpoch},
        {"epoch_random_state", progress.epochRandomState},
        {"torch_seed", progress.torchSeed},
        {"best_oiou", progress.bestOIoU},
        {"best_miou", progress.bestMIoU},
        {"best_epoch", progress.bestEpoch},
        {"elapsed_seconds", progress.elapsedSeconds},
    };
}

bool startsWith(const std::string& text, const std::string& prefix)
{
    return text.compare(0, prefix.size(), prefix) == 0;
}

} // namespace

Result<void> saveTrainingCheckpoint(const std::filesystem::path& path, const TrainingCheckpoint& checkpoint)
{
    try {
        // Keep CPU copies alive while the writer reads them.
        std::vector<torch::Tensor> keep;
        std::map<std::string, model::TensorView> views;
        auto add = [&](const std::string& name, const torch::Tensor& tensor) -> Result<void> {
            const auto dtype = fileDtype(tensor.scalar_type());
            if (!dtype) {
                return Error(ErrorCode::Unsupported, "a tensor's dtype cannot be stored in a checkpoint")
                    .withFile(path.string())
                    .withKey(name);
            }
            torch::Tensor cpu = tensor.detach().to(torch::kCPU).contiguous();
            model::TensorView view;
            view.dtype = *dtype;
            view.shape.assign(cpu.sizes().begin(), cpu.sizes().end());
            view.data = static_cast<const std::uint8_t*>(cpu.data_ptr());
            view.bytes = static_cast<std::size_t>(cpu.numel()) * cpu.element_size();
            keep.push_back(std::move(cpu));
            views[name] = view;
            return {};
        };
        for (const auto& [name, tensor] : checkpoint.modelState) {
            if (auto added = add(modelPrefix + name, tensor); !added)
                return added.error();
        }
        for (const auto& [name, state] : checkpoint.optimizerState) {
            if (auto added = add(expAvgPrefix + name, state.expAvg); !added)
                return added.error();
            if (auto added = add(expAvgSqPrefix + name, state.expAvgSq); !added)
                return added.error();
            if (auto added = add(stepPrefix + name, torch::tensor(state.step, torch::kInt64)); !added)
                return added.error();
        }
        const std::map<std::string, std::string> metadata{
            {"format", formatName},
            {"format_version", std::to_string(TrainingCheckpoint::currentFormatVersion)},
            {"config", checkpoint.configJson},
            {"vocabulary", checkpoint.vocabulary},
            {"options", checkpoint.optionsJson},
            {"progress", progressJson(checkpoint.progress).dump()},
        };
        return model::writeSafetensors(path, views, metadata);
    } catch (const std::exception& e) {
        return Error(ErrorCode::Internal, "cannot prepare the checkpoint's tensors")
            .withFile(path.string())
            .withDetail(e.what());
    }
}

Result<TrainingCheckpoint> loadTrainingCheckpoint(const std::filesystem::path& path)
{
    auto file = model::SafetensorsFile::open(path);
    if (!file)
        return file.error();
    const auto& metadata = file->metadata();
    auto meta = [&](const char* key) -> Result<std::string> {
        const auto found = metadata.find(key);
        if (found == metadata.end())
            return Error(ErrorCode::InvalidData, "not a training checkpoint: a metadata key is missing")
                .withFile(path.string())
                .withKey(key);
        return found->second;
    };
    auto format = meta("format");
    if (!format)
        return format.error();
    if (*format != formatName)
        return Error(ErrorCode::InvalidData, "not a ReferMap training checkpoint")
            .withFile(path.string())
            .withKey("format")
            .withDetail("found '" + *format + "'");
    auto version = meta("format_version");
    if (!version)
        return version.error();
    if (*version != std::to_string(TrainingCheckpoint::currentFormatVersion))
        return Error(ErrorCode::Unsupported, "unsupported training checkpoint version")
            .withFile(path.string())
            .withKey("format_version")
            .withDetail("found '" + *version + "'");

    TrainingCheckpoint checkpoint;
    for (const auto& [key, field] : {std::pair<const char*, std::string*>{"config", &checkpoint.configJson},
                                     {"vocabulary", &checkpoint.vocabulary},
                                     {"options", &checkpoint.optionsJson}}) {
        auto value = meta(key);
        if (!value)
            return value.error();
        *field = std::move(*value);
    }
    auto progressText = meta("progress");
    if (!progressText)
        return progressText.error();
    try {
        const auto json = nlohmann::json::parse(*progressText);
        TrainingProgress& progress = checkpoint.progress;
        progress.epoch = json.at("epoch").get<int>();
        progress.iteration = json.at("iteration").get<std::int64_t>();
        progress.iterationInEpoch = json.at("iteration_in_epoch").get<std::int64_t>();
        progress.epochRandomState = json.at("epoch_random_state").get<std::string>();
        progress.torchSeed = json.at("torch_seed").get<std::uint64_t>();
        progress.bestOIoU = json.at("best_oiou").get<double>();
        progress.bestMIoU = json.at("best_miou").get<double>();
        progress.bestEpoch = json.at("best_epoch").get<int>();
        progress.elapsedSeconds = json.at("elapsed_seconds").get<double>();
        if (progress.epoch < 0 || progress.iteration < 0 || progress.iterationInEpoch < 0)
            throw std::runtime_error("negative counters");
    } catch (const std::exception& e) {
        return Error(ErrorCode::InvalidData, "the checkpoint's progress record cannot be read")
            .withFile(path.string())
            .withKey("progress")
            .withDetail(e.what());
    }

    auto tensors = model::readTensors(*file);
    if (!tensors)
        return tensors.error();
    for (auto& [name, tensor] : *tensors) {
        if (startsWith(name, modelPrefix)) {
            checkpoint.modelState[name.substr(modelPrefix.size())] = std::move(tensor);
        } else if (startsWith(name, expAvgSqPrefix)) {
            checkpoint.optimizerState[name.substr(expAvgSqPrefix.size())].expAvgSq = std::move(tensor);
        } else if (startsWith(name, expAvgPrefix)) {
            checkpoint.optimizerState[name.substr(expAvgPrefix.size())].expAvg = std::move(tensor);
        } else if (startsWith(name, stepPrefix)) {
            if (tensor.scalar_type() != torch::kInt64 || tensor.numel() != 1)
                return Error(ErrorCode::InvalidData, "an optimizer step count is not one I64")
                    .withFile(path.string())
                    .withKey(name);
            checkpoint.optimizerState[name.substr(stepPrefix.size())].step = tensor.item<std::int64_t>();
        } else {
            return Error(ErrorCode::InvalidData, "unexpected tensor in a training checkpoint")
                .withFile(path.string())
                .withKey(name);
        }
    }
    for (const auto& [name, state] : checkpoint.optimizerState) {
        if (!state.expAvg.defined() || !state.expAvgSq.defined() || state.step < 1)
            return Error(ErrorCode::InvalidData, "incomplete optimizer state in the checkpoint")
                .withFile(path.string())
                .withKey(name);
    }
    return checkpoint;
}

} // namespace refermap::engine
