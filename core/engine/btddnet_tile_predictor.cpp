#include "engine/btddnet_tile_predictor.h"

#include <torch/torch.h>

#include <algorithm>
#include <cctype>

namespace refermap::engine {

namespace {

bool blank(const std::string& text)
{
    return std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c) != 0; });
}

Error queryError(const std::string& why, const std::string& query)
{
    const std::string shown = query.size() > 60 ? query.substr(0, 57) + "..." : query;
    return Error(ErrorCode::InvalidArgument, why).withKey("query").withDetail("'" + shown + "'");
}

} // namespace

Result<BtddnetTilePredictor> BtddnetTilePredictor::create(model::LoadedBtddnet model, const std::string& query,
                                                          c10::Device device)
{
    if (blank(query))
        return queryError("the query is empty; describe what to find, e.g. 'the white storage tanks'", query);
    if (query.size() > maxQueryCharacters)
        return queryError("the query is " + std::to_string(query.size()) + " characters long; at most "
                              + std::to_string(maxQueryCharacters)
                              + " are accepted (the model reads its first "
                              + std::to_string(model.model->config().maxTokens - 2) + " wordpieces)",
                          query);
    const int maxTokens = model.model->config().maxTokens;
    EncodedExpressions text = encodeExpressions(model.tokenizer, {query}, maxTokens);
    const model::TokenizedText tokens = model.tokenizer.encode(query, maxTokens);
    const bool anyKnown = std::any_of(tokens.inputIds.begin(), tokens.inputIds.end(), [](std::int64_t id) {
        return id != model::WordpieceTokenizer::padId && id != model::WordpieceTokenizer::unknownId
            && id != model::WordpieceTokenizer::classId && id != model::WordpieceTokenizer::separatorId;
    });
    if (!anyKnown)
        return queryError("the model's vocabulary knows no word of the query (queries are read as English)", query);

    auto encoded = captureErrors([&] {
        model.model->to(device);
        model.model->eval();
        torch::InferenceMode inference;
        return model.model->encodeText(
            text.ids.to(device), text.attentionMask.to(device), text.maskedIds.to(device));
    });
    if (!encoded)
        return encoded.error().withDetail("moving the model to " + device.str() + " and encoding the query");
    if (device.is_cuda()) {
        // fp32 with TF32 matrix products: on an H200 it was as fast as bf16 autocast or faster at
        // every batch size measured (docs/gpu.md), and it keeps CPU and GPU masks identical.
        at::globalContext().setFloat32MatmulPrecision("high");
    }
    return BtddnetTilePredictor(std::move(model), std::move(*encoded), device);
}

BtddnetTilePredictor::BtddnetTilePredictor(model::LoadedBtddnet model, model::BtddnetText text, c10::Device device)
    : model_(std::move(model))
    , text_(std::move(text))
    , device_(device)
{
}

int BtddnetTilePredictor::networkSize() const
{
    return model_.model->config().imageSize;
}

Result<std::vector<std::vector<float>>> BtddnetTilePredictor::predict(
    const std::vector<const geo::RasterWindow*>& windows)
{
    if (windows.empty())
        return std::vector<std::vector<float>>{};
    const int height = windows.front()->height;
    const int width = windows.front()->width;
    for (const geo::RasterWindow* window : windows) {
        if (window->height != height || window->width != width)
            return Error(ErrorCode::Internal, "tiles of one batch differ in size");
    }
    return captureErrors([&] {
        torch::InferenceMode inference;
        const auto batch = static_cast<std::int64_t>(windows.size());
        const auto& config = model_.model->config();
        torch::Tensor images = torch::empty({batch, 3, height, width});
        torch::Tensor valid = torch::empty({batch, 1, height, width}, torch::kUInt8);
        for (std::int64_t i = 0; i < batch; ++i) {
            const geo::RasterWindow& window = *windows[static_cast<std::size_t>(i)];
            images[i].copy_(torch::from_blob(const_cast<float*>(window.pixels.data()), {3, height, width}));
            valid[i].copy_(torch::from_blob(const_cast<std::uint8_t*>(window.valid.data()), {1, height, width},
                                            torch::kUInt8));
        }
        const auto mean = torch::tensor(config.imageMean, torch::kFloat32).view({1, 3, 1, 1});
        const auto std = torch::tensor(config.imageStd, torch::kFloat32).view({1, 3, 1, 1});
        images = ((images - mean) / std) * valid.to(torch::kFloat32);
        images = images.to(device_);
        const int size = config.imageSize;
        const bool resized = height != size || width != size;
        if (resized) {
            images = torch::nn::functional::interpolate(images,
                torch::nn::functional::InterpolateFuncOptions()
                    .size(std::vector<std::int64_t>{size, size})
                    .mode(torch::kBilinear)
                    .align_corners(false));
        }
        torch::Tensor logits = model_.model->forward(images, text_);
        if (resized) {
            logits = torch::nn::functional::interpolate(logits,
                torch::nn::functional::InterpolateFuncOptions()
                    .size(std::vector<std::int64_t>{height, width})
                    .mode(torch::kBilinear)
                    .align_corners(false));
        }
        const torch::Tensor probabilities
            = model::BtddnetImpl::foregroundProbability(logits).to(torch::kCPU, torch::kFloat32).contiguous();
        std::vector<std::vector<float>> result(windows.size());
        const auto pixels = static_cast<std::size_t>(height) * static_cast<std::size_t>(width);
        for (std::int64_t i = 0; i < batch; ++i) {
            const float* begin = probabilities[i].data_ptr<float>();
            result[static_cast<std::size_t>(i)].assign(begin, begin + pixels);
        }
        return result;
    });
}

} // namespace refermap::engine
