#include "engine/referring_evaluator.h"

#include "engine/training_batch.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <future>

namespace refermap::engine {

Result<ReferringMetrics> evaluateReferring(model::Btddnet& model, const model::WordpieceTokenizer& tokenizer,
                                           const ReferringDataset& dataset, const EvaluationOptions& options,
                                           c10::Device device, ProgressRange& progress)
{
    if (options.batchSize < 1)
        return Error(ErrorCode::InvalidArgument, "the evaluation batch size must be at least 1").withKey("batch");
    std::vector<ReferringSample> samples = everySentence(dataset);
    if (samples.empty())
        return Error(ErrorCode::InvalidData, "the split has no expression to evaluate")
            .withDetail(std::string(dataset.name()) + " " + datasetSplitName(dataset.split()));
    if (options.emptyText) {
        for (ReferringSample& sample : samples)
            sample.sentence.clear();
    }
    const model::BtddnetConfig config = model->config();
    const std::size_t batchSize = static_cast<std::size_t>(options.batchSize);
    const std::size_t batches = (samples.size() + batchSize - 1) / batchSize;
    auto load = [&](std::size_t batch) {
        const auto begin = samples.begin() + static_cast<std::ptrdiff_t>(batch * batchSize);
        const auto end = samples.begin() + static_cast<std::ptrdiff_t>(std::min(samples.size(), (batch + 1) * batchSize));
        return loadReferringBatch(dataset, std::vector<ReferringSample>(begin, end), tokenizer, config);
    };

    const bool wasTraining = model->is_training();
    try {
        model->to(device);
        model->eval();
        struct RestoreMode {
            model::Btddnet& model;
            bool training;
            ~RestoreMode() { model->train(training); }
        } restore{model, wasTraining};

        ReferringMetrics metrics;
        std::future<Result<ReferringBatch>> next;
        if (options.prefetch)
            next = std::async(std::launch::async, load, 0);
        for (std::size_t batch = 0; batch < batches; ++batch) {
            if (progress.isCancelled())
                return Error(ErrorCode::Cancelled, "evaluation cancelled");
            Result<ReferringBatch> loaded = options.prefetch ? next.get() : load(batch);
            if (options.prefetch && batch + 1 < batches)
                next = std::async(std::launch::async, load, batch + 1);
            if (!loaded)
                return loaded.error();
            torch::InferenceMode inference;
            const auto output = model->forward(loaded->images.to(device), loaded->text.ids.to(device),
                                               loaded->text.attentionMask.to(device),
                                               loaded->text.maskedIds.to(device), /*withRephrase=*/false);
            // argmax of [z_bg, z_fg]: foreground where z_fg > z_bg (ties go to the background, as argmax does).
            const auto prediction = output.logits.argmax(1).to(torch::kBool);
            const auto truth = loaded->targets.to(device).to(torch::kBool);
            const auto intersection = (prediction & truth).flatten(1).sum(1).to(torch::kCPU);
            const auto unions = (prediction | truth).flatten(1).sum(1).to(torch::kCPU);
            const auto* i = intersection.data_ptr<std::int64_t>();
            const auto* u = unions.data_ptr<std::int64_t>();
            for (std::int64_t sample = 0; sample < intersection.size(0); ++sample)
                metrics.addCounts(i[sample], u[sample]);
            progress.setProgress(static_cast<double>(batch + 1) / static_cast<double>(batches),
                                 "evaluating " + std::to_string(metrics.samples()) + "/"
                                     + std::to_string(samples.size()));
        }
        spdlog::info("evaluation of {} {} ({} samples): {}", dataset.name(), datasetSplitName(dataset.split()),
                     metrics.samples(), metrics.tableRow());
        return metrics;
    } catch (const Exception& e) {
        return e.error();
    } catch (const std::exception& e) {
        return Error(ErrorCode::Internal, "evaluation failed").withDetail(e.what());
    }
}

} // namespace refermap::engine
