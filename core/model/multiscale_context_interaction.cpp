#include "model/multiscale_context_interaction.h"

#include <torch/torch.h>

#include <cmath>

namespace refermap::model {

namespace {

int groupNormGroups(int channels)
{
    int groups = 32;
    while (groups > 1 && channels % groups != 0)
        groups /= 2;
    return groups;
}

} // namespace

torch::Tensor sinePositionEmbedding(int64_t height, int64_t width, int64_t dim, const torch::TensorOptions& options)
{
    const int64_t half = dim / 2;
    const double scale = 2.0 * M_PI;
    const double eps = 1e-6;
    auto y = (torch::arange(1, height + 1, options) / (static_cast<double>(height) + eps) * scale).view({height, 1, 1});
    auto x = (torch::arange(1, width + 1, options) / (static_cast<double>(width) + eps) * scale).view({1, width, 1});
    auto steps = torch::arange(half, options);
    auto frequencies = torch::pow(10000.0, 2.0 * torch::floor(steps / 2.0) / static_cast<double>(half));
    auto encode = [&](const torch::Tensor& position) {
        auto angles = position / frequencies; // broadcast to (.., .., half)
        auto sines = angles.index({"...", torch::indexing::Slice(0, torch::indexing::None, 2)}).sin();
        auto cosines = angles.index({"...", torch::indexing::Slice(1, torch::indexing::None, 2)}).cos();
        return torch::stack({sines, cosines}, -1).flatten(-2);
    };
    auto embedding = torch::cat({encode(y).expand({height, width, half}), encode(x).expand({height, width, half})}, -1);
    if (embedding.size(-1) < dim) // odd D: one zero channel
        embedding = torch::cat({embedding, torch::zeros({height, width, dim - embedding.size(-1)}, options)}, -1);
    return embedding;
}

MciLayerImpl::MciLayerImpl(int dim, int heads)
{
    visual = register_module("visual", CrossAttentionLayer(dim, heads));
    text = register_module("text", CrossAttentionLayer(dim, heads));
}

MultiscaleContextInteractionImpl::MultiscaleContextInteractionImpl(const BtddnetConfig& config)
    : dim_(config.decoderDim)
{
    input_projections = register_module("input_projections", torch::nn::ModuleList());
    for (int stage = 1; stage < config.stages; ++stage) {
        input_projections->push_back(torch::nn::Sequential(
            torch::nn::Conv2d(torch::nn::Conv2dOptions(config.swin.stageChannels(stage), dim_, 1)),
            torch::nn::GroupNorm(torch::nn::GroupNormOptions(groupNormGroups(dim_), dim_))));
    }
    level_embed = register_parameter("level_embed", torch::zeros({config.stages - 1, dim_}));
    text_projection = register_module("text_projection", torch::nn::Linear(config.bert.hidden, dim_));
    layers = register_module("layers", torch::nn::ModuleList());
    for (int index = 0; index < config.mciLayers; ++index)
        layers->push_back(MciLayer(dim_, config.mciHeads));
    torch::NoGradGuard noGrad;
    level_embed.normal_(0.0, 0.02);
}

MciOutput MultiscaleContextInteractionImpl::forward(const std::vector<torch::Tensor>& features,
                                                    const torch::Tensor& text, const torch::Tensor& mask)
{
    MciOutput output;
    std::vector<torch::Tensor> tokens;
    std::vector<torch::Tensor> positions;
    for (std::size_t level = 0; level < input_projections->size(); ++level) {
        const auto& feature = features[level + 1];
        auto projected = input_projections[level]->as<torch::nn::Sequential>()->forward(feature); // B, D, H, W
        const int64_t height = projected.size(2);
        const int64_t width = projected.size(3);
        output.levelSizes.emplace_back(height, width);
        tokens.push_back(projected.flatten(2).transpose(1, 2)); // B, HW, D
        auto position = sinePositionEmbedding(height, width, dim_, projected.options()).view({height * width, dim_});
        positions.push_back(position + level_embed[static_cast<int64_t>(level)]);
    }
    auto visual = torch::cat(tokens, 1);
    const auto position = torch::cat(positions, 0).unsqueeze(0);
    auto words = text_projection(text);
    const auto allPixels = torch::Tensor();
    for (const auto& module : *layers) {
        auto* layer = module->as<MciLayer>();
        auto nextVisual = layer->visual(visual, words, mask, position);
        auto nextWords = layer->text(words, visual, allPixels, torch::Tensor(), position);
        visual = nextVisual;
        words = nextWords;
    }
    output.visual = visual;
    output.text = words;
    return output;
}

} // namespace refermap::model
