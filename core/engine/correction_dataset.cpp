#include "engine/correction_dataset.h"

#include "project/project_store.h"

#include <algorithm>

namespace refermap::engine {

CorrectionDataset::~CorrectionDataset() = default;

Result<std::unique_ptr<CorrectionDataset>> CorrectionDataset::open(const std::filesystem::path& project,
                                                                   DatasetSplit split,
                                                                   const std::vector<std::int64_t>& layers)
{
    auto store = project::ProjectStore::open(project);
    if (!store)
        return store.error();
    auto samples = store->trainingSamples();
    if (!samples)
        return samples.error();
    std::unique_ptr<CorrectionDataset> dataset(new CorrectionDataset());
    dataset->split_ = split;
    dataset->path_ = project;
    dataset->store_ = std::make_unique<project::ProjectStore>(std::move(*store));
    const bool heldOut = split != DatasetSplit::Train;
    for (auto& info : *samples) {
        if (info.validation != heldOut)
            continue;
        if (!layers.empty() && std::find(layers.begin(), layers.end(), info.layerId) == layers.end())
            continue;
        ReferringRef ref;
        ref.id = "sample/" + std::to_string(info.id);
        ref.imageId = "raster/" + std::to_string(info.rasterId) + "@" + std::to_string(info.x) + ","
            + std::to_string(info.y);
        ref.imagePath = project;
        ref.sentences = {info.queryText};
        dataset->refs_.push_back(std::move(ref));
        dataset->samples_.push_back(std::move(info));
    }
    return dataset;
}

Result<const project::TrainingSample*> CorrectionDataset::load(std::size_t index) const
{
    const std::int64_t id = samples_.at(index).id;
    if (cachedId_ != id) {
        auto sample = store_->trainingSample(id);
        if (!sample)
            return sample.error();
        cached_ = std::move(*sample);
        cachedId_ = id;
    }
    return &cached_;
}

Result<RgbImage> CorrectionDataset::loadImage(std::size_t index) const
{
    std::lock_guard<std::mutex> lock(mutex_);
    auto sample = load(index);
    if (!sample)
        return sample.error();
    return RgbImage{(*sample)->info.width, (*sample)->info.height, (*sample)->rgb};
}

Result<BinaryMask> CorrectionDataset::loadMask(std::size_t index) const
{
    std::lock_guard<std::mutex> lock(mutex_);
    auto sample = load(index);
    if (!sample)
        return sample.error();
    return BinaryMask{(*sample)->info.width, (*sample)->info.height, (*sample)->mask};
}

} // namespace refermap::engine
