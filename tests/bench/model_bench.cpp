// BTDDNet-base forward at 512 x 512 (batch 1, CPU, fp32, InferenceMode), against two baselines run
// in the same process: an sgemm of comparable size (the machine's matrix-product rate) and
// torchvision's swin_b at 512 x 512 in Python (same machine, same thread count).
//   model_bench [--size 512] [--repeats 3] [--threads 0] [--neighbourhood full|depthwise|both] [--no-python]
// Prints ms per tile, estimated GFLOP per tile and GFLOP/s, the sgemm rate and the ratios.
#include "bench_timing.h"
#include "model/blas_backend.h"
#include "model/btddnet.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

using namespace refermap::model;

using refermap::bench::bestSeconds;

namespace {

double ceilDiv(double a, double b)
{
    return std::ceil(a / b);
}

// Multiply-adds x 2 of the layers that matter (>99 % of the work), for an H x W tile.
double estimateFlops(const BtddnetConfig& c, int height, int width)
{
    const double tokens = c.maxTokens;
    const double hidden = c.bert.hidden;
    double flops = 0;
    double h = ceilDiv(height, c.swin.patchSize);
    double w = ceilDiv(width, c.swin.patchSize);
    flops += 2.0 * c.swin.inChannels * c.swin.patchSize * c.swin.patchSize * c.swin.embedDim * h * w;
    std::vector<double> pixels;
    for (int s = 0; s < c.stages; ++s) {
        const double channels = c.swin.stageChannels(s);
        if (s > 0) {
            h = ceilDiv(h, 2);
            w = ceilDiv(w, 2);
            flops += 2.0 * 4 * c.swin.stageChannels(s - 1) * channels * h * w;
        }
        const double t = h * w;
        pixels.push_back(t);
        const double window = c.swin.window;
        const double padded = ceilDiv(h, window) * window * ceilDiv(w, window) * window;
        const double perBlock = 2.0 * channels * 3 * channels * padded + 2.0 * 2 * padded * window * window * channels
                                + 2.0 * channels * channels * padded + 2.0 * 2 * channels * c.swin.mlpRatio * channels * t;
        flops += perBlock * c.swin.depths[static_cast<std::size_t>(s)];
        // BSC, vision side then text side.
        double windows = 0;
        for (int k : c.bscVisionKernels)
            windows += 2.0 * k * k * channels * (c.bscNeighbourhood == "full" ? channels : 1.0) * t;
        flops += 2.0 * channels * channels * t + windows + 2.0 * 2 * hidden * channels * tokens
                 + c.bscVisionKernels.size() * 2.0 * t * tokens * channels + 2.0 * t * tokens * channels
                 + 2.0 * channels * channels * t;
        double textWindows = 0;
        for (int k : c.bscTextKernels)
            textWindows += 2.0 * k * hidden * hidden * tokens;
        flops += 2.0 * 2 * channels * hidden * t + textWindows + c.bscTextKernels.size() * 2.0 * tokens * t * hidden
                 + 2.0 * tokens * t * hidden + 2.0 * hidden * hidden * tokens;
    }
    const double bertLayer = 4 * 2.0 * hidden * hidden * tokens + 2 * 2.0 * tokens * tokens * hidden
                             + 2 * 2.0 * hidden * c.bert.intermediate * tokens;
    flops += 2 * c.bert.layers * bertLayer; // the expression and the masked expression
    const double d = c.decoderDim;
    double sequence = 0;
    for (int s = 1; s < c.stages; ++s) {
        flops += 2.0 * c.swin.stageChannels(s) * d * pixels[static_cast<std::size_t>(s)];
        sequence += pixels[static_cast<std::size_t>(s)];
    }
    const double crossLayer = [&] {
        return 4 * 2.0 * d * d * (sequence + tokens) + 2 * 2.0 * 2 * sequence * tokens * d
               + 2 * 2.0 * d * 4 * d * (sequence + tokens);
    }();
    flops += c.mciLayers * crossLayer;
    flops += 2.0 * c.swin.embedDim * d * pixels[0] + 2.0 * (1 + c.backgroundTokens) * d * pixels[0];
    return flops;
}

double runModel(const BtddnetConfig& config, int size, int repeats)
{
    torch::manual_seed(0);
    Btddnet model(config);
    model->eval();
    const auto image = torch::randn({1, 3, size, size});
    auto ids = torch::zeros({1, config.maxTokens}, torch::kLong);
    auto mask = torch::zeros({1, config.maxTokens}, torch::kLong);
    const std::vector<int64_t> expression{101, 1996, 2317, 5527, 16052, 2379, 1996, 6099, 102};
    for (std::size_t i = 0; i < expression.size(); ++i) {
        ids[0][static_cast<int64_t>(i)] = expression[i];
        mask[0][static_cast<int64_t>(i)] = 1;
    }
    auto masked = ids.clone();
    masked[0][4] = 0;
    masked[0][5] = 0;
    const double swinSeconds = bestSeconds(repeats, [&] {
        c10::InferenceMode inference;
        auto x = model->swin->embed(image);
        for (int stage = 0; stage < config.stages; ++stage)
            x = model->swin->forwardStage(stage, x);
    });
    const double seconds = bestSeconds(repeats, [&] {
        c10::InferenceMode inference;
        auto output = model->forward(image, ids, mask, masked, false);
        (void)output.logits.sum().item<float>();
    });
    std::printf("  of which our Swin stages alone: %.0f ms\n", swinSeconds * 1e3);
    return seconds;
}

} // namespace

int main(int argc, char** argv)
{
    int size = 512;
    int repeats = 3;
    int threads = 0;
    std::string neighbourhood = "both";
    bool python = true;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
        if (arg == "--size")
            size = std::atoi(next().c_str());
        else if (arg == "--repeats")
            repeats = std::atoi(next().c_str());
        else if (arg == "--threads")
            threads = std::atoi(next().c_str());
        else if (arg == "--neighbourhood")
            neighbourhood = next();
        else if (arg == "--no-python")
            python = false;
        else {
            std::fprintf(stderr, "usage: model_bench [--size N] [--repeats N] [--threads N] "
                                 "[--neighbourhood full|depthwise|both] [--no-python]\n");
            return 2;
        }
    }
    configureComputeThreads(threads);
    const int usedThreads = at::get_num_threads();
    const auto blas = detectBlasBackend();
    std::printf("BLAS: %s; libtorch %s; %d threads\n", blas.name.c_str(), torchVersion().c_str(), usedThreads);

    // Baseline 1: sgemm of comparable size (Swin-B's stage-3 MLP at 512: 1024 tokens x 512 -> 2048).
    const auto a = torch::randn({1024, 512});
    const auto b = torch::randn({512, 2048});
    torch::Tensor c;
    const double gemmSeconds = bestSeconds(10, [&] { c = torch::mm(a, b); });
    const double gemmRate = 2.0 * 1024 * 512 * 2048 / gemmSeconds / 1e9;
    std::printf("sgemm 1024x512x2048: %.1f GFLOP/s (baseline)\n", gemmRate);

    for (const std::string variant : {"full", "depthwise"}) {
        if (neighbourhood != "both" && neighbourhood != variant)
            continue;
        auto config = BtddnetConfig::base();
        config.bscNeighbourhood = variant;
        const double seconds = runModel(config, size, repeats);
        const double gflop = estimateFlops(config, size, size) / 1e9;
        std::printf("BTDDNet-base (BSC %s) %dx%d: %.0f ms/tile, %.1f GFLOP/tile, %.1f GFLOP/s = %.2f of sgemm\n",
                    variant.c_str(), size, size, seconds * 1e3, gflop, gflop / seconds, gflop / seconds / gemmRate);
        std::fflush(stdout);
        if (python) {
            // Baseline 2: torchvision's swin_b alone, same size and threads, in a child process.
            const std::string command = std::string("\"") + REFERMAP_PYTHON + "\" \"" + REFERMAP_BENCH_DIR
                                        + "/swin_b_reference.py\" " + std::to_string(size) + " "
                                        + std::to_string(usedThreads) + " " + std::to_string(repeats);
            if (FILE* pipe = ::popen(command.c_str(), "r")) {
                double referenceMs = 0;
                if (std::fscanf(pipe, "%lf", &referenceMs) == 1 && referenceMs > 0)
                    std::printf("  torchvision swin_b alone: %.0f ms/tile; BTDDNet / swin_b = %.2f (goal <= 1.10)\n",
                                referenceMs, seconds * 1e3 / referenceMs);
                ::pclose(pipe);
            }
        }
    }
    return 0;
}
