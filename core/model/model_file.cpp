#include "model/model_file.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <torch/types.h>
#include <torch/utils.h>

#include <algorithm>
#include <cstring>
#include <set>
#include <utility>

namespace refermap::model {

namespace {

constexpr const char* formatKey = "format";
constexpr const char* formatValue = "refermap-model";
constexpr const char* formatVersionKey = "format_version";
constexpr const char* configKey = "config";
constexpr const char* vocabularyKey = "vocabulary";
constexpr std::size_t describedPerList = 20;

torch::Dtype torchDtype(TensorDtype dtype)
{
    switch (dtype) {
    case TensorDtype::F32:
        return torch::kFloat32;
    case TensorDtype::F16:
        return torch::kFloat16;
    case TensorDtype::BF16:
        return torch::kBFloat16;
    case TensorDtype::I64:
        return torch::kInt64;
    case TensorDtype::I32:
        return torch::kInt32;
    case TensorDtype::U8:
        return torch::kUInt8;
    case TensorDtype::Bool:
        return torch::kBool;
    }
    return torch::kFloat32;
}

std::optional<TensorDtype> fileDtype(torch::Dtype dtype)
{
    switch (dtype) {
    case torch::kInt64:
        return TensorDtype::I64;
    case torch::kInt32:
        return TensorDtype::I32;
    case torch::kUInt8:
        return TensorDtype::U8;
    case torch::kBool:
        return TensorDtype::Bool;
    default:
        return std::nullopt;
    }
}

std::string shapeText(c10::IntArrayRef shape)
{
    std::string text = "[";
    for (std::size_t i = 0; i < shape.size(); ++i)
        text += (i ? ", " : "") + std::to_string(shape[i]);
    return text + "]";
}

void appendList(std::string& text, const char* label, const std::vector<std::string>& names)
{
    if (names.empty())
        return;
    if (!text.empty())
        text += "; ";
    text += std::to_string(names.size()) + " " + label + ": ";
    const std::size_t shown = std::min(names.size(), describedPerList);
    for (std::size_t i = 0; i < shown; ++i)
        text += (i ? ", " : "") + names[i];
    if (names.size() > shown)
        text += ", … and " + std::to_string(names.size() - shown) + " more";
}

bool hasAllowedPrefix(const std::string& name, const std::vector<std::string>& prefixes)
{
    return std::any_of(prefixes.begin(), prefixes.end(),
        [&](const std::string& prefix) { return name.compare(0, prefix.size(), prefix) == 0; });
}

// The metadata value under `key`, or an error naming the file and the key.
Result<std::string> requiredMetadata(const SafetensorsFile& file, const std::string& key, const std::string& what)
{
    const auto found = file.metadata().find(key);
    if (found == file.metadata().end()) {
        return Error(ErrorCode::InvalidData, "the model file has no " + what + " (metadata key missing)")
            .withFile(file.origin())
            .withKey(key);
    }
    return found->second;
}

} // namespace

Result<std::map<std::string, torch::Tensor>> readTensors(const SafetensorsFile& file)
{
    std::map<std::string, torch::Tensor> tensors;
    for (const auto& [name, entry] : file.tensors()) {
        auto source = file.data(name);
        if (!source)
            return source.error();
        const std::size_t bytes = entry.end - entry.begin;
        if (entry.dtype == TensorDtype::Bool) {
            const std::uint8_t* values = *source;
            if (std::any_of(values, values + bytes, [](std::uint8_t value) { return value > 1; })) {
                return Error(ErrorCode::InvalidData, "a BOOL tensor holds a byte other than 0 or 1")
                    .withFile(file.origin())
                    .withKey(name);
            }
        }
        try {
            torch::Tensor tensor = torch::empty(entry.shape, torch::TensorOptions().dtype(torchDtype(entry.dtype)));
            if (bytes > 0) // the mapping may be unaligned for the dtype: copy bytes, never reinterpret
                std::memcpy(tensor.data_ptr(), *source, bytes);
            if (entry.dtype == TensorDtype::F16 || entry.dtype == TensorDtype::BF16)
                tensor = tensor.to(torch::kFloat32);
            tensors.emplace(name, std::move(tensor));
        } catch (const std::exception& e) {
            return Error(ErrorCode::Internal, "cannot copy the tensor out of the weights file")
                .withFile(file.origin())
                .withKey(name)
                .withDetail(e.what());
        }
    }
    return tensors;
}

Result<void> saveModelFile(const std::filesystem::path& path, const ModelFile& model)
{
    const std::string origin = path.string();
    std::map<std::string, std::string> metadata = model.provenance;
    for (const char* reserved : {formatKey, formatVersionKey, configKey, vocabularyKey}) {
        if (metadata.count(reserved) != 0) {
            return Error(ErrorCode::InvalidArgument, "a provenance key collides with a reserved model-file key")
                .withFile(origin)
                .withKey(reserved);
        }
    }
    metadata[formatKey] = formatValue;
    metadata[formatVersionKey] = std::to_string(ModelFile::currentFormatVersion);
    metadata[configKey] = model.configJson;
    metadata[vocabularyKey] = model.vocabulary;

    // Float tensors become contiguous F32 on the CPU; integer and bool tensors keep their type
    // (converting them to F32 could lose values). The converted tensors live until the write ends.
    std::map<std::string, torch::Tensor> stored;
    std::map<std::string, TensorView> views;
    try {
        for (const auto& [name, tensor] : model.tensors) {
            if (!tensor.defined())
                return Error(ErrorCode::InvalidArgument, "the tensor is undefined").withFile(origin).withKey(name);
            TensorView view;
            torch::Tensor cpu;
            if (tensor.is_floating_point()) {
                view.dtype = TensorDtype::F32;
                cpu = tensor.detach().to(torch::kCPU, torch::kFloat32).contiguous();
            } else if (const auto dtype = fileDtype(tensor.scalar_type())) {
                view.dtype = *dtype;
                cpu = tensor.detach().to(torch::kCPU).contiguous();
            } else {
                return Error(ErrorCode::Unsupported,
                    std::string("the tensor's type ") + c10::toString(tensor.scalar_type())
                        + " cannot be stored in a model file")
                    .withFile(origin)
                    .withKey(name);
            }
            view.shape = cpu.sizes().vec();
            view.bytes = static_cast<std::size_t>(cpu.numel()) * cpu.element_size();
            view.data = static_cast<const std::uint8_t*>(cpu.data_ptr());
            stored.emplace(name, cpu);
            views.emplace(name, std::move(view));
        }
    } catch (const std::exception& e) {
        return Error(ErrorCode::Internal, "cannot prepare the tensors for saving")
            .withFile(origin)
            .withDetail(e.what());
    }
    if (auto written = writeSafetensors(path, views, metadata); !written)
        return written.error();
    spdlog::debug("saved model file {} ({} tensors)", origin, views.size());
    return {};
}

Result<ModelFile> loadModelFile(const std::filesystem::path& path)
{
    auto file = SafetensorsFile::open(path);
    if (!file)
        return file.error();
    const std::string& origin = file->origin();

    auto format = requiredMetadata(*file, formatKey, "format marker: not a ReferMap model file");
    if (!format)
        return format.error();
    if (*format != formatValue) {
        return Error(ErrorCode::InvalidData,
            "not a ReferMap model file (format is '" + *format + "', expected '" + formatValue + "')")
            .withFile(origin)
            .withKey(formatKey);
    }
    auto versionText = requiredMetadata(*file, formatVersionKey, "format version");
    if (!versionText)
        return versionText.error();
    int version = 0;
    const bool numeric = !versionText->empty() && versionText->size() <= 6
        && std::all_of(versionText->begin(), versionText->end(), [](char c) { return c >= '0' && c <= '9'; });
    if (numeric)
        version = std::stoi(*versionText);
    if (!numeric || version < 1) {
        return Error(ErrorCode::InvalidData, "the model file's format version '" + *versionText + "' is not valid")
            .withFile(origin)
            .withKey(formatVersionKey);
    }
    if (version > ModelFile::currentFormatVersion) {
        return Error(ErrorCode::Unsupported,
            "the model file was written by a newer ReferMap (format version " + *versionText
                + "; this build reads up to " + std::to_string(ModelFile::currentFormatVersion) + ")")
            .withFile(origin)
            .withKey(formatVersionKey);
    }

    ModelFile model;
    auto config = requiredMetadata(*file, configKey, "model configuration");
    if (!config)
        return config.error();
    try {
        if (!nlohmann::json::parse(*config).is_object())
            throw std::runtime_error("not a JSON object");
    } catch (const std::exception& e) {
        return Error(ErrorCode::InvalidData, "the model configuration is not a JSON object")
            .withFile(origin)
            .withKey(configKey)
            .withDetail(e.what());
    }
    model.configJson = std::move(*config);
    auto vocabulary = requiredMetadata(*file, vocabularyKey, "tokenizer vocabulary");
    if (!vocabulary)
        return vocabulary.error();
    model.vocabulary = std::move(*vocabulary);
    for (const auto& [key, value] : file->metadata()) {
        if (key != formatKey && key != formatVersionKey && key != configKey && key != vocabularyKey)
            model.provenance.emplace(key, value);
    }

    auto tensors = readTensors(*file);
    if (!tensors)
        return tensors.error();
    model.tensors = std::move(*tensors);
    spdlog::debug("loaded model file {} ({} tensors, format version {})", origin, model.tensors.size(), version);
    return model;
}

std::map<std::string, torch::Tensor> moduleState(const torch::nn::Module& module)
{
    std::map<std::string, torch::Tensor> state;
    for (const auto& item : module.named_parameters(/*recurse=*/true))
        state.emplace(item.key(), item.value());
    for (const auto& item : module.named_buffers(/*recurse=*/true))
        state.emplace(item.key(), item.value());
    return state;
}

std::string StateMismatch::describe() const
{
    std::string text;
    appendList(text, "missing (in the model, not in the weights)", missing);
    appendList(text, "unexpected (in the weights, not in the model)", unexpected);
    appendList(text, "mis-shaped", misShaped);
    return text.empty() ? "the weights match the model" : text;
}

StateMismatch compareState(const torch::nn::Module& module, const std::map<std::string, torch::Tensor>& state)
{
    StateMismatch mismatch;
    const auto expected = moduleState(module);
    for (const auto& [name, target] : expected) {
        const auto found = state.find(name);
        if (found == state.end()) {
            mismatch.missing.push_back(name);
            continue;
        }
        const torch::Tensor& source = found->second;
        if (!source.defined()) {
            mismatch.misShaped.push_back(name + ": file (undefined) vs model " + shapeText(target.sizes()));
        } else if (source.sizes() != target.sizes()) {
            mismatch.misShaped.push_back(
                name + ": file " + shapeText(source.sizes()) + " vs model " + shapeText(target.sizes()));
        } else if (source.is_floating_point() != target.is_floating_point()) {
            // Same shape but integers for floats (or the reverse): not the tensor the model expects.
            mismatch.misShaped.push_back(name + ": file " + c10::toString(source.scalar_type()) + " "
                + shapeText(source.sizes()) + " vs model " + c10::toString(target.scalar_type()) + " "
                + shapeText(target.sizes()));
        }
    }
    for (const auto& [name, tensor] : state) {
        if (expected.count(name) == 0)
            mismatch.unexpected.push_back(name);
    }
    return mismatch;
}

Result<void> loadStateStrict(torch::nn::Module& module, const std::map<std::string, torch::Tensor>& state,
    const std::vector<std::string>& allowedMissing)
{
    StateMismatch mismatch = compareState(module, state);
    mismatch.missing.erase(std::remove_if(mismatch.missing.begin(), mismatch.missing.end(),
                               [&](const std::string& name) { return hasAllowedPrefix(name, allowedMissing); }),
        mismatch.missing.end());
    if (!mismatch.empty())
        return Error(ErrorCode::InvalidData, "the weights do not match the model").withDetail(mismatch.describe());

    try {
        torch::NoGradGuard noGrad;
        // Convert everything first, so a failure (out of memory) happens before any value changes.
        std::vector<std::pair<torch::Tensor, torch::Tensor>> copies;
        for (const auto& [name, target] : moduleState(module)) {
            const auto found = state.find(name);
            if (found == state.end())
                continue; // an allowed missing name keeps its current value
            copies.emplace_back(target, found->second.detach().to(target.device(), target.scalar_type()));
        }
        for (auto& [target, source] : copies)
            target.copy_(source);
    } catch (const std::exception& e) {
        return Error(ErrorCode::Internal, "cannot copy the weights into the model").withDetail(e.what());
    }
    return {};
}

} // namespace refermap::model
