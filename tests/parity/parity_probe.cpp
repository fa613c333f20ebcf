// The C++ side of the parity tests: loads weights written by a Python reference through our
// importers and strict loader, runs our modules on the given inputs and writes the outputs.
//   parity_probe swin CONFIG_JSON TIMM_WEIGHTS INPUTS OUTPUTS  (inputs: image; outputs: stage0..3)
//   parity_probe bert CONFIG_JSON HF_WEIGHTS INPUTS OUTPUTS    (inputs: hidden, attention_mask)
#include "model/backbone_importer.h"
#include "model/bert_encoder.h"
#include "model/btddnet_config.h"
#include "model/model_file.h"
#include "model/safetensors.h"
#include "model/swin_transformer.h"

#include <torch/torch.h>

#include <cstdio>
#include <string>

using namespace refermap;
using namespace refermap::model;

namespace {

template <typename T>
T orExit(Result<T> result)
{
    if (!result) {
        std::fprintf(stderr, "parity_probe: %s\n", result.error().message().c_str());
        std::exit(1);
    }
    return std::move(result).value();
}

void orExit(Result<void> result)
{
    if (!result) {
        std::fprintf(stderr, "parity_probe: %s\n", result.error().message().c_str());
        std::exit(1);
    }
}

// "swin.x" -> "x" for the keys under `prefix`.
std::map<std::string, torch::Tensor> underPrefix(const std::map<std::string, torch::Tensor>& state,
                                                 const std::string& prefix)
{
    std::map<std::string, torch::Tensor> inner;
    for (const auto& [name, tensor] : state)
        if (name.rfind(prefix, 0) == 0)
            inner.emplace(name.substr(prefix.size()), tensor);
    return inner;
}

void writeOutputs(const std::string& path, const std::map<std::string, torch::Tensor>& tensors)
{
    std::map<std::string, torch::Tensor> contiguous;
    std::map<std::string, TensorView> views;
    for (const auto& [name, tensor] : tensors) {
        auto& kept = contiguous[name] = tensor.to(torch::kFloat32).contiguous();
        views[name] = TensorView{TensorDtype::F32, kept.sizes().vec(), static_cast<const std::uint8_t*>(kept.data_ptr()),
                                 static_cast<std::size_t>(kept.numel()) * sizeof(float)};
    }
    orExit(writeSafetensors(path, views, {}));
}

} // namespace

int main(int argc, char** argv)
{
    if (argc != 6) {
        std::fprintf(stderr, "usage: parity_probe swin|bert CONFIG_JSON WEIGHTS INPUTS OUTPUTS\n");
        return 2;
    }
    const std::string mode = argv[1];
    const BtddnetConfig config = orExit(BtddnetConfig::fromJson(argv[2]));
    const SafetensorsFile weights = orExit(SafetensorsFile::open(argv[3]));
    const auto inputs = orExit(readTensors(orExit(SafetensorsFile::open(argv[4]))));
    torch::NoGradGuard noGrad;

    if (mode == "swin") {
        SwinTransformer swin(config.swin);
        swin->eval();
        const auto state = underPrefix(orExit(importTimmSwin(weights, config.swin.window)), "swin.");
        orExit(loadStateStrict(*swin, state));
        std::map<std::string, torch::Tensor> outputs;
        auto x = swin->embed(inputs.at("image"));
        for (int stage = 0; stage < swin->stageCount(); ++stage) {
            x = swin->forwardStage(stage, x);
            outputs["stage" + std::to_string(stage)] = x;
        }
        writeOutputs(argv[5], outputs);
        return 0;
    }
    if (mode == "bert") {
        BertModel bert(config.bert);
        bert->eval();
        const auto state = underPrefix(orExit(importHuggingFaceBert(weights)), "bert.");
        orExit(loadStateStrict(*bert, state, {"embeddings."}));
        const auto hidden = inputs.at("hidden");
        const auto additive = BertModelImpl::additiveMask(inputs.at("attention_mask"), hidden.scalar_type());
        const auto out = bert->forwardLayers(0, config.bert.layers, hidden, additive);
        writeOutputs(argv[5], {{"hidden", out}});
        return 0;
    }
    std::fprintf(stderr, "parity_probe: unknown mode '%s'\n", mode.c_str());
    return 2;
}
