#include "engine/training_batch.h"

#include "engine/referring_preprocessing.h"

#include <torch/torch.h>

namespace refermap::engine {

Result<ReferringBatch> loadReferringBatch(const ReferringDataset& dataset, const std::vector<ReferringSample>& samples,
                                          const model::WordpieceTokenizer& tokenizer,
                                          const model::BtddnetConfig& config)
{
    if (samples.empty())
        return Error(ErrorCode::InvalidArgument, "an empty batch");
    std::vector<torch::Tensor> images;
    std::vector<torch::Tensor> targets;
    std::vector<std::string> sentences;
    images.reserve(samples.size());
    targets.reserve(samples.size());
    sentences.reserve(samples.size());
    for (const ReferringSample& sample : samples) {
        auto image = dataset.loadImage(sample.refIndex);
        if (!image)
            return image.error();
        auto mask = dataset.loadMask(sample.refIndex);
        if (!mask)
            return mask.error();
        auto prepared = captureErrors([&]() {
            return std::make_pair(
                sample.mirror.apply(normalizeImage(*image, config.imageSize, config.imageMean, config.imageStd)),
                sample.mirror.apply(resizeMaskNearest(*mask, config.imageSize)));
        });
        if (!prepared)
            return prepared.error().withFile(dataset.ref(sample.refIndex).imagePath.string());
        images.push_back(std::move(prepared->first));
        targets.push_back(std::move(prepared->second));
        sentences.push_back(sample.mirror.apply(sample.sentence));
    }
    return captureErrors([&]() {
        return ReferringBatch{torch::stack(images), torch::stack(targets).to(torch::kInt64),
                              encodeExpressions(tokenizer, sentences, config.maxTokens)};
    });
}

std::vector<ReferringSample> everySentence(const ReferringDataset& dataset)
{
    std::vector<ReferringSample> samples;
    for (std::size_t index = 0; index < dataset.size(); ++index) {
        for (const std::string& sentence : dataset.ref(index).sentences)
            samples.push_back({index, sentence});
    }
    return samples;
}

} // namespace refermap::engine
