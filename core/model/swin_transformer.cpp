#include "model/swin_transformer.h"

#include <torch/nn/functional.h>
#include <torch/torch.h>

#include <algorithm>
#include <array>
#include <optional>

namespace refermap::model {

namespace F = torch::nn::functional;

namespace {

torch::Tensor relativePositionIndex(int window)
{
    auto coords = torch::stack(torch::meshgrid({torch::arange(window), torch::arange(window)}, "ij")); // 2,w,w
    auto flat = coords.flatten(1);                                                                   // 2,w*w
    auto relative = (flat.unsqueeze(2) - flat.unsqueeze(1)).permute({1, 2, 0}).contiguous();         // N,N,2
    relative.select(2, 0).add_(window - 1).mul_(2 * window - 1);
    relative.select(2, 1).add_(window - 1);
    return relative.sum(-1).flatten();
}

// Python slice bounds [start, stop) over n items, negative values counting from the end.
std::pair<int64_t, int64_t> sliceBounds(int64_t start, std::optional<int64_t> stop, int64_t n)
{
    auto resolve = [n](int64_t value) { return std::clamp<int64_t>(value < 0 ? value + n : value, 0, n); };
    return {resolve(start), stop ? resolve(*stop) : n};
}

// The additive mask of shifted windows: -100 between tokens of different regions. Built exactly as
// torchvision's shifted_window_attention does, including its slices when only one axis shifts.
torch::Tensor shiftedWindowMask(int64_t paddedHeight, int64_t paddedWidth, int64_t window, int64_t shiftHeight,
                                int64_t shiftWidth)
{
    auto regions = torch::zeros({paddedHeight, paddedWidth}, torch::kFloat32);
    const std::array<std::pair<int64_t, std::optional<int64_t>>, 3> hs{
        {{0, -window}, {-window, -shiftHeight}, {-shiftHeight, std::nullopt}}};
    const std::array<std::pair<int64_t, std::optional<int64_t>>, 3> ws{
        {{0, -window}, {-window, -shiftWidth}, {-shiftWidth, std::nullopt}}};
    float count = 0;
    for (const auto& h : hs) {
        const auto [top, bottom] = sliceBounds(h.first, h.second, paddedHeight);
        for (const auto& w : ws) {
            const auto [left, right] = sliceBounds(w.first, w.second, paddedWidth);
            if (bottom > top && right > left)
                regions.slice(0, top, bottom).slice(1, left, right).fill_(count);
            count += 1;
        }
    }
    const int64_t windows = (paddedHeight / window) * (paddedWidth / window);
    auto grouped = regions.view({paddedHeight / window, window, paddedWidth / window, window})
                       .permute({0, 2, 1, 3})
                       .reshape({windows, window * window});
    auto difference = grouped.unsqueeze(1) - grouped.unsqueeze(2);
    return torch::where(difference != 0, torch::full_like(difference, -100.0f), torch::zeros_like(difference));
}

// timm's initialisation of linear weights and tables: normal with std 0.02 (its truncation at
// +-2 is 100 standard deviations away and never triggers).
void initialiseNormal(torch::Tensor& tensor)
{
    tensor.normal_(0.0, 0.02);
}

} // namespace

WindowAttentionImpl::WindowAttentionImpl(int channels, int heads, int window)
    : heads_(heads)
    , window_(window)
{
    qkv = register_module("qkv", torch::nn::Linear(channels, 3 * channels));
    proj = register_module("proj", torch::nn::Linear(channels, channels));
    relative_position_bias_table = register_parameter(
        "relative_position_bias_table", torch::zeros({(2 * window - 1) * (2 * window - 1), heads}));
    torch::NoGradGuard noGrad;
    initialiseNormal(relative_position_bias_table);
    relativePositionIndex_ = relativePositionIndex(window);
}

torch::Tensor WindowAttentionImpl::forward(const torch::Tensor& windows, const torch::Tensor& mask)
{
    const int64_t count = windows.size(0);
    const int64_t tokens = windows.size(1);
    const int64_t channels = windows.size(2);
    const int64_t headDim = channels / heads_;
    auto qkvOut = qkv(windows).reshape({count, tokens, 3, heads_, headDim}).permute({2, 0, 3, 1, 4});
    auto q = qkvOut[0] * std::pow(static_cast<double>(headDim), -0.5);
    auto k = qkvOut[1];
    auto v = qkvOut[2];
    auto attention = torch::matmul(q, k.transpose(-2, -1));
    auto bias = relative_position_bias_table.index_select(0, relativePositionIndex_.to(windows.device()))
                    .view({tokens, tokens, heads_})
                    .permute({2, 0, 1})
                    .unsqueeze(0);
    attention = attention + bias.to(attention.dtype());
    if (mask.defined()) {
        const int64_t maskWindows = mask.size(0);
        attention = attention.view({count / maskWindows, maskWindows, heads_, tokens, tokens})
                    + mask.to(attention.dtype()).unsqueeze(1).unsqueeze(0);
        attention = attention.view({count, heads_, tokens, tokens});
    }
    attention = torch::softmax(attention, -1);
    auto out = torch::matmul(attention, v).transpose(1, 2).reshape({count, tokens, channels});
    return proj(out);
}

SwinMlpImpl::SwinMlpImpl(int channels, int hidden)
{
    fc1 = register_module("fc1", torch::nn::Linear(channels, hidden));
    fc2 = register_module("fc2", torch::nn::Linear(hidden, channels));
}

torch::Tensor SwinMlpImpl::forward(const torch::Tensor& x)
{
    return fc2(F::gelu(fc1(x)));
}

SwinBlockImpl::SwinBlockImpl(int channels, int heads, int window, bool shifted, double mlpRatio, double dropPath,
                             double layerNormEps)
    : window_(window)
    , shifted_(shifted)
    , dropPath_(dropPath)
{
    norm1 = register_module("norm1", torch::nn::LayerNorm(torch::nn::LayerNormOptions({channels}).eps(layerNormEps)));
    attn = register_module("attn", WindowAttention(channels, heads, window));
    norm2 = register_module("norm2", torch::nn::LayerNorm(torch::nn::LayerNormOptions({channels}).eps(layerNormEps)));
    mlp = register_module("mlp", SwinMlp(channels, static_cast<int>(channels * mlpRatio)));
}

torch::Tensor SwinBlockImpl::dropPath(const torch::Tensor& x) const
{
    if (!is_training() || dropPath_ <= 0.0)
        return x;
    const double keep = 1.0 - dropPath_;
    std::vector<int64_t> shape(static_cast<std::size_t>(x.dim()), 1);
    shape[0] = x.size(0);
    auto mask = torch::empty(shape, x.options()).bernoulli_(keep);
    return x * mask / keep;
}

torch::Tensor SwinBlockImpl::forward(const torch::Tensor& x)
{
    const int64_t batch = x.size(0);
    const int64_t height = x.size(1);
    const int64_t width = x.size(2);
    const int64_t channels = x.size(3);
    const int64_t padBottom = (window_ - height % window_) % window_;
    const int64_t padRight = (window_ - width % window_) % window_;

    auto y = norm1(x);
    if (padBottom > 0 || padRight > 0)
        y = F::pad(y, F::PadFuncOptions({0, 0, 0, padRight, 0, padBottom}));
    const int64_t paddedHeight = height + padBottom;
    const int64_t paddedWidth = width + padRight;
    // A window as large as the (padded) feature map needs no shift.
    const int shiftHeight = shifted_ && window_ < paddedHeight ? window_ / 2 : 0;
    const int shiftWidth = shifted_ && window_ < paddedWidth ? window_ / 2 : 0;
    const bool shift = shiftHeight > 0 || shiftWidth > 0;
    if (shift)
        y = torch::roll(y, {-shiftHeight, -shiftWidth}, {1, 2});

    const int64_t rows = paddedHeight / window_;
    const int64_t columns = paddedWidth / window_;
    auto windows = y.view({batch, rows, window_, columns, window_, channels})
                       .permute({0, 1, 3, 2, 4, 5})
                       .reshape({batch * rows * columns, window_ * window_, channels});
    torch::Tensor mask;
    if (shift) {
        // A mask made under InferenceMode may not enter a graph that records gradients: rebuild.
        const bool stale = !cachedMask_.defined() || cachedMask_.device() != x.device()
                           || cachedMaskSize_ != std::array<int64_t, 2>{paddedHeight, paddedWidth}
                           || (cachedMask_.is_inference() && !c10::InferenceMode::is_enabled());
        if (stale) {
            cachedMask_ = shiftedWindowMask(paddedHeight, paddedWidth, window_, shiftHeight, shiftWidth).to(x.device());
            cachedMaskSize_ = {paddedHeight, paddedWidth};
        }
        mask = cachedMask_;
    }
    auto attended = attn(windows, mask);
    y = attended.view({batch, rows, columns, window_, window_, channels})
            .permute({0, 1, 3, 2, 4, 5})
            .reshape({batch, paddedHeight, paddedWidth, channels});
    if (shift)
        y = torch::roll(y, {shiftHeight, shiftWidth}, {1, 2});
    if (padBottom > 0 || padRight > 0)
        y = y.slice(1, 0, height).slice(2, 0, width).contiguous();

    auto out = x + dropPath(y);
    return out + dropPath(mlp(norm2(out)));
}

PatchMergingImpl::PatchMergingImpl(int channels, double layerNormEps)
{
    norm = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({4 * channels}).eps(layerNormEps)));
    reduction = register_module("reduction", torch::nn::Linear(torch::nn::LinearOptions(4 * channels, 2 * channels).bias(false)));
}

torch::Tensor PatchMergingImpl::forward(const torch::Tensor& input)
{
    auto x = input;
    const int64_t height = x.size(1);
    const int64_t width = x.size(2);
    if (height % 2 != 0 || width % 2 != 0)
        x = F::pad(x, F::PadFuncOptions({0, 0, 0, width % 2, 0, height % 2}));
    using torch::indexing::Slice;
    auto x0 = x.index({Slice(), Slice(0, torch::indexing::None, 2), Slice(0, torch::indexing::None, 2)});
    auto x1 = x.index({Slice(), Slice(1, torch::indexing::None, 2), Slice(0, torch::indexing::None, 2)});
    auto x2 = x.index({Slice(), Slice(0, torch::indexing::None, 2), Slice(1, torch::indexing::None, 2)});
    auto x3 = x.index({Slice(), Slice(1, torch::indexing::None, 2), Slice(1, torch::indexing::None, 2)});
    return reduction(norm(torch::cat({x0, x1, x2, x3}, -1)));
}

PatchEmbedImpl::PatchEmbedImpl(int inChannels, int channels, int patch, double layerNormEps)
    : patch_(patch)
{
    proj = register_module("proj", torch::nn::Conv2d(torch::nn::Conv2dOptions(inChannels, channels, patch).stride(patch)));
    norm = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({channels}).eps(layerNormEps)));
}

torch::Tensor PatchEmbedImpl::forward(const torch::Tensor& image)
{
    auto x = image;
    const int64_t padBottom = (patch_ - x.size(2) % patch_) % patch_;
    const int64_t padRight = (patch_ - x.size(3) % patch_) % patch_;
    if (padBottom > 0 || padRight > 0)
        x = F::pad(x, F::PadFuncOptions({0, padRight, 0, padBottom}));
    return norm(proj(x).permute({0, 2, 3, 1}));
}

SwinStageImpl::SwinStageImpl(const SwinConfig& config, int stage, int firstBlockIndex, int totalBlocks)
{
    const int channels = config.stageChannels(stage);
    if (stage > 0)
        downsample = register_module("downsample", PatchMerging(config.stageChannels(stage - 1), config.layerNormEps));
    blocks = register_module("blocks", torch::nn::ModuleList());
    for (int index = 0; index < config.depths[static_cast<std::size_t>(stage)]; ++index) {
        const int global = firstBlockIndex + index;
        const double rate = totalBlocks > 1 ? config.dropPath * global / (totalBlocks - 1) : 0.0;
        blocks->push_back(SwinBlock(channels, config.heads[static_cast<std::size_t>(stage)], config.window,
                                    index % 2 == 1, config.mlpRatio, rate, config.layerNormEps));
    }
}

torch::Tensor SwinStageImpl::forward(torch::Tensor x)
{
    if (downsample)
        x = downsample(x);
    for (const auto& block : *blocks)
        x = block->as<SwinBlock>()->forward(x);
    return x;
}

SwinTransformerImpl::SwinTransformerImpl(const SwinConfig& config)
{
    patch_embed = register_module(
        "patch_embed", PatchEmbed(config.inChannels, config.embedDim, config.patchSize, config.layerNormEps));
    layers = register_module("layers", torch::nn::ModuleList());
    int total = 0;
    for (int depth : config.depths)
        total += depth;
    int first = 0;
    for (int stage = 0; stage < static_cast<int>(config.depths.size()); ++stage) {
        layers->push_back(SwinStage(config, stage, first, total));
        first += config.depths[static_cast<std::size_t>(stage)];
    }
    // timm's initialisation: truncated normal 0.02 for linear weights, zero biases.
    torch::NoGradGuard noGrad;
    for (auto& module : modules(/*include_self=*/false)) {
        if (auto* linear = module->as<torch::nn::Linear>()) {
            initialiseNormal(linear->weight);
            if (linear->bias.defined())
                linear->bias.zero_();
        }
    }
}

torch::Tensor SwinTransformerImpl::embed(const torch::Tensor& image)
{
    return patch_embed(image);
}

torch::Tensor SwinTransformerImpl::forwardStage(int stage, const torch::Tensor& x)
{
    return layers[static_cast<std::size_t>(stage)]->as<SwinStage>()->forward(x);
}

} // namespace refermap::model
