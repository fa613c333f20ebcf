// btddnet_cuda_check: BTDDNet on CUDA against the same network on the CPU, run on a GPU machine
// (docs/gpu.md). It checks what the CPU-only CI cannot:
//  1. device choice: "auto" picks CUDA, a missing "cuda:N" is refused;
//  2. fp32 parity: the same weights and inputs give the same logits on CPU and CUDA (TF32 off);
//  3. the bundled demo model on real scene tiles: CUDA as the query runner uses it (fp32 with TF32
//     matrix products) and with bf16 autocast keeps the mask and the probabilities of a CPU run
//     (--reference, written by Debian's libtorch on a CPU machine);
//  4. training: the three losses and GroupedAdamW (the trainer's optimizer) overfit a batch on CUDA,
//     the first step's loss and gradients match the CPU's, and a checkpoint written from CUDA tensors
//     resumes on CUDA to the same parameters as an uninterrupted run;
//  5. speed: tiles per second for the base and tiny networks, fp32 (TF32) vs bf16 autocast, batch 1 to 32; a training
//     step of the base network. Printed, never asserted.
// Prints one line per check and a JSON summary (--json FILE); exit 0 when every check passed.
#include "cuda_autocast.h"

#include "common/logging.h"
#include "engine/training_checkpoint.h"
#include "engine/training_optimizer.h"
#include "model/btddnet.h"
#include "model/btddnet_config.h"
#include "model/btddnet_loss.h"
#include "model/compute_device.h"
#include "model/model_file.h"
#include "model/safetensors.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>
#include <torch/version.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

using namespace refermap;

namespace {

struct Report {
    nlohmann::json json = nlohmann::json::object();
    bool ok = true;

    void check(const std::string& name, bool passed, const std::string& detail)
    {
        std::printf("%-34s %s  %s\n", name.c_str(), passed ? "PASS" : "FAIL", detail.c_str());
        std::fflush(stdout);
        json["checks"][name] = {{"passed", passed}, {"detail", detail}};
        ok = ok && passed;
    }
    void measure(const std::string& name, double value, const std::string& unit)
    {
        std::printf("%-34s %.4g %s\n", name.c_str(), value, unit.c_str());
        std::fflush(stdout);
        json["measures"][name] = {{"value", value}, {"unit", unit}};
    }
};

struct TextBatch {
    torch::Tensor ids, attention, masked;
};

// Random but valid wordpiece ids: [CLS] w1..wk [SEP] then padding, k = 6; one noun masked.
TextBatch randomText(int batch, int tokens, int vocabulary)
{
    auto ids = torch::zeros({batch, tokens}, torch::kInt64);
    auto attention = torch::zeros({batch, tokens}, torch::kInt64);
    const int words = 6;
    ids.index_put_({torch::indexing::Slice(), 0}, 101);
    ids.index_put_({torch::indexing::Slice(), torch::indexing::Slice(1, 1 + words)},
                   torch::randint(1000, vocabulary, {batch, words}, torch::kInt64));
    ids.index_put_({torch::indexing::Slice(), 1 + words}, 102);
    attention.index_put_({torch::indexing::Slice(), torch::indexing::Slice(0, 2 + words)}, 1);
    auto masked = ids.clone();
    masked.index_put_({torch::indexing::Slice(), 3}, 103);
    return {ids, attention, masked};
}

model::Btddnet seededNetwork(const model::BtddnetConfig& config, std::uint64_t seed)
{
    torch::manual_seed(seed);
    model::Btddnet net(config);
    return net;
}

torch::Tensor forwardProbability(model::Btddnet& net, const torch::Tensor& image, const TextBatch& text,
                                 const torch::Device& device, bool autocast)
{
    torch::InferenceMode inference;
    const auto image_d = image.to(device);
    torch::Tensor logits;
    if (autocast) {
        gpucheck::CudaAutocast scope;
        logits = net->forward(image_d, text.ids.to(device), text.attention.to(device), text.masked.to(device), false)
                     .logits.to(torch::kFloat32);
    } else {
        logits = net->forward(image_d, text.ids.to(device), text.attention.to(device), text.masked.to(device), false)
                     .logits;
    }
    return model::BtddnetImpl::foregroundProbability(logits).to(torch::kCPU);
}

double maxAbs(const torch::Tensor& a, const torch::Tensor& b)
{
    return (a - b).abs().max().item<double>();
}

double agreement(const torch::Tensor& a, const torch::Tensor& b)
{
    return (a.gt(0.5) == b.gt(0.5)).to(torch::kFloat64).mean().item<double>();
}

double iou(const torch::Tensor& a, const torch::Tensor& b)
{
    const auto x = a.gt(0.5), y = b.gt(0.5);
    const double u = (x | y).sum().item<double>();
    return u == 0 ? 1.0 : (x & y).sum().item<double>() / u;
}

// The training target of the synthetic batch: a bright square, the referent.
std::pair<torch::Tensor, torch::Tensor> squareBatch(int batch, int size)
{
    auto image = torch::randn({batch, 3, size, size}) * 0.3;
    auto target = torch::zeros({batch, size, size}, torch::kInt64);
    for (int b = 0; b < batch; ++b) {
        const int x = size / 8 + b * size / 8, y = size / 4;
        image.index_put_({b, torch::indexing::Slice(), torch::indexing::Slice(y, y + size / 3),
                          torch::indexing::Slice(x, x + size / 3)},
                         1.5);
        target.index_put_({b, torch::indexing::Slice(y, y + size / 3), torch::indexing::Slice(x, x + size / 3)}, 1);
    }
    return {image, target};
}

double gradientNorm(model::Btddnet& net)
{
    double sum = 0.0;
    for (const auto& p : net->parameters())
        if (p.grad().defined())
            sum += p.grad().to(torch::kCPU, torch::kFloat64).pow(2).sum().item<double>();
    return std::sqrt(sum);
}

void synchronize(const torch::Device& device)
{
    if (device.is_cuda())
        torch::cuda::synchronize(device.index());
}

void checkDevices(Report& report)
{
    auto automatic = model::resolveComputeDevice("auto");
    report.check("device.auto_is_cuda", automatic && automatic->is_cuda(),
                 automatic ? automatic->str() : automatic.error().message());
    const std::string absent = "cuda:" + std::to_string(model::cudaDeviceCount());
    auto refused = model::resolveComputeDevice(absent);
    report.check("device.absent_gpu_refused", !refused,
                 refused ? "accepted " + absent : refused.error().message());
}

void checkParity(Report& report, const torch::Device& cuda)
{
    at::globalContext().setFloat32MatmulPrecision("highest");
    at::globalContext().setAllowTF32CuDNN(false);
    auto config = model::BtddnetConfig::tiny();
    auto net = seededNetwork(config, 7);
    net->eval();
    torch::manual_seed(11);
    const auto image = torch::randn({2, 3, config.imageSize, config.imageSize});
    const auto text = randomText(2, config.maxTokens, config.bert.vocabularySize);
    const auto cpu = forwardProbability(net, image, text, torch::kCPU, false);
    net->to(cuda);
    const auto gpu = forwardProbability(net, image, text, cuda, false);
    const double diff = maxAbs(cpu, gpu);
    report.check("parity.tiny_fp32_cpu_vs_cuda", diff < 1e-4, fmt::format("max |dp| = {:.3g}", diff));
    const auto bf16 = forwardProbability(net, image, text, cuda, true);
    const double diffBf16 = maxAbs(gpu, bf16);
    report.check("parity.tiny_bf16_vs_fp32", diffBf16 < 0.05, fmt::format("max |dp| = {:.3g}", diffBf16));
    at::globalContext().setFloat32MatmulPrecision("high");
    at::globalContext().setAllowTF32CuDNN(true);
}

// The bundled demo model on real tiles: CUDA fp32 and bf16 against CPU probabilities, those of
// `--reference` (written by --write-reference with Debian's libtorch on a CPU machine) when given,
// else this machine's own CPU run.
void checkDemoModel(Report& report, const torch::Device& cuda, const std::string& modelPath,
                    const std::string& inputPath, const std::string& referencePath)
{
    auto file = model::loadModelFile(modelPath);
    auto inputs = model::SafetensorsFile::open(inputPath);
    if (!file || !inputs) {
        report.check("demo.load", false, !file ? file.error().message() : inputs.error().message());
        return;
    }
    auto config = model::BtddnetConfig::fromJson(file->configJson);
    model::Btddnet net(*config);
    auto loaded = model::loadStateStrict(*net, file->tensors);
    report.check("demo.load", bool(loaded), loaded ? modelPath : loaded.error().message());
    auto tensors = model::readTensors(*inputs);
    if (!loaded || !tensors)
        return;
    const auto& in = *tensors;
    net->eval();
    const TextBatch text{in.at("ids"), in.at("attention"), in.at("masked")};
    torch::Tensor cpu;
    std::string origin = "this machine's CPU";
    if (!referencePath.empty()) {
        auto reference = model::SafetensorsFile::open(referencePath);
        auto expected = reference ? model::readTensors(*reference) : Result<std::map<std::string, torch::Tensor>>(reference.error());
        if (!expected) {
            report.check("demo.reference", false, expected.error().message());
            return;
        }
        cpu = expected->at("probability");
        origin = "the reference CPU run";
    } else {
        cpu = forwardProbability(net, in.at("image"), text, torch::kCPU, false);
    }
    net->to(cuda);
    const auto fp32 = forwardProbability(net, in.at("image"), text, cuda, false);
    const auto bf16 = forwardProbability(net, in.at("image"), text, cuda, true);
    report.measure("demo.foreground_share_cpu", cpu.gt(0.5).to(torch::kFloat64).mean().item<double>(), "");
    const double d32 = maxAbs(cpu, fp32);
    report.check("demo.cuda_fp32_vs_cpu", d32 < 2e-3 && agreement(cpu, fp32) > 0.999,
                 fmt::format("vs {}: max |dp| = {:.3g}, mask agreement {:.5f}", origin, d32, agreement(cpu, fp32)));
    report.check("demo.cuda_bf16_vs_cpu", agreement(cpu, bf16) > 0.99 && iou(cpu, bf16) > 0.9,
                 fmt::format("vs {}: mask agreement {:.5f}, IoU {:.4f}", origin, agreement(cpu, bf16), iou(cpu, bf16)));
}

void checkTraining(Report& report, const torch::Device& cuda, const std::string& scratch)
{
    auto config = model::BtddnetConfig::tiny();
    const int batch = 4;
    torch::manual_seed(3);
    torch::Tensor image, target;
    std::tie(image, target) = squareBatch(batch, config.imageSize);
    const auto text = randomText(batch, config.maxTokens, config.bert.vocabularySize);

    // One step's loss and gradient on both devices, dropout off (eval mode) so both see the same
    // network, TF32 off so both compute in fp32.
    {
        at::globalContext().setFloat32MatmulPrecision("highest");
        at::globalContext().setAllowTF32CuDNN(false);
        auto net = seededNetwork(config, 5);
        net->eval();
        auto loss = model::btddnetLoss(net->forward(image, text.ids, text.attention, text.masked, true), target,
                                       text.attention, config);
        loss.total.backward();
        const double cpuLoss = loss.total.item<double>(), cpuNorm = gradientNorm(net);
        net->zero_grad();
        net->to(cuda);
        auto lossCuda = model::btddnetLoss(net->forward(image.to(cuda), text.ids.to(cuda), text.attention.to(cuda),
                                                        text.masked.to(cuda), true),
                                           target.to(cuda), text.attention.to(cuda), config);
        lossCuda.total.backward();
        const double cudaLoss = lossCuda.total.item<double>(), cudaNorm = gradientNorm(net);
        report.check("train.first_step_loss_cpu_vs_cuda", std::abs(cpuLoss - cudaLoss) < 1e-3 * std::abs(cpuLoss),
                     fmt::format("cpu {:.6f}, cuda {:.6f}", cpuLoss, cudaLoss));
        report.check("train.gradient_norm_cpu_vs_cuda", std::abs(cpuNorm - cudaNorm) < 1e-2 * cpuNorm,
                     fmt::format("cpu {:.6f}, cuda {:.6f}", cpuNorm, cudaNorm));
        at::globalContext().setFloat32MatmulPrecision("high");
        at::globalContext().setAllowTF32CuDNN(true);
    }

    // Overfitting one batch on CUDA with the trainer's optimizer, then resume from a checkpoint.
    auto run = [&](model::Btddnet& net, engine::GroupedAdamW& optimizer, int steps, std::uint64_t seed) {
        double last = 0.0;
        for (int step = 0; step < steps; ++step) {
            torch::manual_seed(seed + static_cast<std::uint64_t>(step));
            optimizer.zeroGrad();
            auto loss = model::btddnetLoss(net->forward(image.to(cuda), text.ids.to(cuda), text.attention.to(cuda),
                                                        text.masked.to(cuda), true),
                                           target.to(cuda), text.attention.to(cuda), config);
            loss.total.backward();
            torch::nn::utils::clip_grad_norm_(net->parameters(), 1.0);
            optimizer.step();
            last = loss.total.item<double>();
        }
        return last;
    };
    auto net = seededNetwork(config, 5);
    net->train();
    net->to(cuda);
    engine::GroupedAdamW optimizer(*net, 3e-4, 3e-5, 0.01);
    const double first = run(net, optimizer, 1, 100);
    const double after = run(net, optimizer, 59, 101);
    report.check("train.cuda_overfits_batch", after < 0.5 * first, fmt::format("loss {:.4f} -> {:.4f}", first, after));

    const std::string path = scratch + "/cuda-check.checkpoint";
    engine::TrainingCheckpoint checkpoint;
    checkpoint.configJson = config.toJson();
    checkpoint.vocabulary = "[PAD]";
    checkpoint.optionsJson = "{}";
    checkpoint.modelState = model::moduleState(*net);
    checkpoint.optimizerState = optimizer.state();
    auto saved = engine::saveTrainingCheckpoint(path, checkpoint);
    report.check("train.checkpoint_from_cuda_saved", bool(saved), saved ? path : saved.error().message());
    if (!saved)
        return;
    run(net, optimizer, 5, 200);

    // Two runs resumed from the checkpoint: their difference is CUDA's own run-to-run noise (atomic
    // adds in some backward kernels), the floor the resumed-vs-uninterrupted difference is held to.
    auto resume = [&](std::string& why) -> std::optional<model::Btddnet> {
        auto loaded = engine::loadTrainingCheckpoint(path);
        if (!loaded) {
            why = loaded.error().message();
            return std::nullopt;
        }
        auto resumed = seededNetwork(config, 99);
        resumed->train();
        resumed->to(cuda);
        if (auto restored = model::loadStateStrict(*resumed, loaded->modelState); !restored) {
            why = restored.error().message();
            return std::nullopt;
        }
        engine::GroupedAdamW resumedOptimizer(*resumed, 3e-4, 3e-5, 0.01);
        if (!resumedOptimizer.restoreState(std::move(loaded->optimizerState), why))
            return std::nullopt;
        run(resumed, resumedOptimizer, 5, 200);
        return resumed;
    };
    std::string why;
    auto resumedA = resume(why);
    auto resumedB = resumedA ? resume(why) : std::nullopt;
    report.check("train.checkpoint_restored_on_cuda", resumedA && resumedB, resumedA && resumedB ? "ok" : why);
    if (!resumedA || !resumedB)
        return;
    auto difference = [](model::Btddnet& x, model::Btddnet& y) {
        double diff = 0.0;
        auto b = y->named_parameters();
        for (const auto& item : x->named_parameters())
            diff = std::max(diff, maxAbs(item.value().to(torch::kCPU), b[item.key()].to(torch::kCPU)));
        return diff;
    };
    const double noise = difference(*resumedA, *resumedB);
    const double diff = difference(net, *resumedA);
    report.measure("train.cuda_run_to_run_noise", noise, "max |dparam| after 5 steps");
    report.check("train.resumed_equals_uninterrupted", diff <= std::max(1e-6, 3.0 * noise),
                 fmt::format("max |dparam| after 5 more steps = {:.3g} (run-to-run noise {:.3g})", diff, noise));
}

double secondsPerCall(const std::function<void()>& call, const torch::Device& device, int repeats)
{
    call(); // warm-up: kernels chosen, memory pooled
    call();
    synchronize(device);
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < repeats; ++i)
        call();
    synchronize(device);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / repeats;
}

void measureSpeed(Report& report, const torch::Device& cuda)
{
    for (const auto& [name, config] : {std::pair{std::string("base"), model::BtddnetConfig::base()},
                                       std::pair{std::string("tiny"), model::BtddnetConfig::tiny()}}) {
        auto net = seededNetwork(config, 1);
        net->eval();
        net->to(cuda);
        for (int batch : {1, 4, 8, 16, 32}) {
            const auto image = torch::randn({batch, 3, config.imageSize, config.imageSize}).to(cuda);
            const auto text = randomText(batch, config.maxTokens, config.bert.vocabularySize);
            const TextBatch t{text.ids.to(cuda), text.attention.to(cuda), text.masked.to(cuda)};
            for (bool autocast : {false, true}) {
                const double seconds = secondsPerCall(
                    [&] {
                        torch::InferenceMode inference;
                        if (autocast) {
                            gpucheck::CudaAutocast scope;
                            net->forward(image, t.ids, t.attention, t.masked, false);
                        } else {
                            net->forward(image, t.ids, t.attention, t.masked, false);
                        }
                    },
                    cuda, name == "base" ? 5 : 20);
                report.measure("speed." + name + "_" + std::to_string(config.imageSize) + "px_batch"
                                   + std::to_string(batch) + (autocast ? "_bf16" : "_fp32"),
                               batch / seconds, "tiles/s");
            }
        }
        if (name == "base") {
            net->train();
            const int batch = 8;
            torch::Tensor image, target;
            std::tie(image, target) = squareBatch(batch, config.imageSize);
            const auto text = randomText(batch, config.maxTokens, config.bert.vocabularySize);
            engine::GroupedAdamW optimizer(*net, 3e-5, 3e-6, 0.01);
            const auto image_d = image.to(cuda);
            const auto target_d = target.to(cuda);
            const TextBatch t{text.ids.to(cuda), text.attention.to(cuda), text.masked.to(cuda)};
            const double seconds = secondsPerCall(
                [&] {
                    optimizer.zeroGrad();
                    auto loss = model::btddnetLoss(net->forward(image_d, t.ids, t.attention, t.masked, true), target_d,
                                                   t.attention, config);
                    loss.total.backward();
                    optimizer.step();
                },
                cuda, 5);
            report.measure("speed.base_train_step_batch8_fp32", seconds, "s/step");
        }
    }
}

// Runs the demo model on the inputs on the CPU and writes the probabilities (the reference that the
// GPU machine compares against).
int writeReference(const std::string& modelPath, const std::string& inputPath, const std::string& outPath)
{
    auto file = model::loadModelFile(modelPath);
    auto inputs = model::SafetensorsFile::open(inputPath);
    if (!file || !inputs) {
        std::cerr << (!file ? file.error().message() : inputs.error().message()) << "\n";
        return 1;
    }
    auto config = model::BtddnetConfig::fromJson(file->configJson);
    model::Btddnet net(*config);
    if (auto loaded = model::loadStateStrict(*net, file->tensors); !loaded) {
        std::cerr << loaded.error().message() << "\n";
        return 1;
    }
    net->eval();
    auto in = *model::readTensors(*inputs);
    const auto probability =
        forwardProbability(net, in.at("image"), {in.at("ids"), in.at("attention"), in.at("masked")}, torch::kCPU, false)
            .contiguous();
    model::TensorView view;
    view.dtype = model::TensorDtype::F32;
    view.shape.assign(probability.sizes().begin(), probability.sizes().end());
    view.data = static_cast<const std::uint8_t*>(probability.data_ptr());
    view.bytes = static_cast<std::size_t>(probability.numel()) * sizeof(float);
    auto written = model::writeSafetensors(outPath, {{"probability", view}}, {});
    if (!written) {
        std::cerr << written.error().message() << "\n";
        return 1;
    }
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    std::vector<std::string> args(argv + 1, argv + argc);
    auto flag = [&](const std::string& name) { return std::find(args.begin(), args.end(), name) != args.end(); };
    auto option = [&](const std::string& name) -> std::string {
        for (std::size_t i = 0; i + 1 < args.size(); ++i)
            if (args[i] == name)
                return args[i + 1];
        return {};
    };
    const std::string modelPath = option("--model"), inputPath = option("--input");
    if (!option("--write-reference").empty())
        return writeReference(modelPath, inputPath, option("--write-reference"));

    if (!model::cudaAvailable()) {
        std::cerr << "btddnet_cuda_check: this libtorch sees no CUDA device; run it on a GPU machine\n";
        return 2;
    }
    const torch::Device cuda(torch::kCUDA, 0);
    Report report;
    report.json["torch"] = TORCH_VERSION;
    checkDevices(report);
    checkParity(report, cuda);
    if (!modelPath.empty())
        checkDemoModel(report, cuda, modelPath, inputPath, option("--reference"));
    const std::string scratch = option("--scratch").empty() ? "/tmp" : option("--scratch");
    checkTraining(report, cuda, scratch);
    if (!flag("--no-speed"))
        measureSpeed(report, cuda);
    report.json["passed"] = report.ok;
    if (const std::string out = option("--json"); !out.empty())
        std::ofstream(out) << report.json.dump(2) << "\n";
    std::printf("%s\n", report.ok ? "ALL CHECKS PASSED" : "SOME CHECKS FAILED");
    return report.ok ? 0 : 1;
}
