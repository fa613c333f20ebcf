#pragma once

#include "common/result.h"
#include "engine/referring_dataset.h"
#include "project/project_records.h"

#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

namespace refermap::project {
class ProjectStore;
}

namespace refermap::engine {

// The training samples a project file holds (taken from the user's corrections, see
// correction_samples.h) as a referring dataset, so the trainer and the evaluator use them like a
// benchmark: one ref per sample, its query text the one sentence. Train = the samples not held out,
// Val and Test = the held-out ones. Opened through openReferringDataset() with the project file's
// path. The index (texts, chips) is read at open; pixels are read from the file on demand, through
// the dataset's own connection (loads are serialised: thread-safe).
class CorrectionDataset : public ReferringDataset {
public:
    // `layers` non-empty: only the samples of those mask layers. Errors name the project file.
    static Result<std::unique_ptr<CorrectionDataset>> open(const std::filesystem::path& project, DatasetSplit split,
                                                           const std::vector<std::int64_t>& layers = {});
    ~CorrectionDataset() override;

    std::string name() const override { return "ReferMap corrections"; }
    DatasetSplit split() const override { return split_; }
    std::size_t size() const override { return refs_.size(); }
    const ReferringRef& ref(std::size_t index) const override { return refs_.at(index); }
    Result<RgbImage> loadImage(std::size_t index) const override;
    Result<BinaryMask> loadMask(std::size_t index) const override;

    const project::TrainingSampleInfo& sample(std::size_t index) const { return samples_.at(index); }

private:
    CorrectionDataset() = default;
    Result<const project::TrainingSample*> load(std::size_t index) const;

    DatasetSplit split_ = DatasetSplit::Train;
    std::filesystem::path path_;
    std::unique_ptr<project::ProjectStore> store_;
    std::vector<project::TrainingSampleInfo> samples_;
    std::vector<ReferringRef> refs_;
    mutable std::mutex mutex_;
    mutable std::int64_t cachedId_ = 0;
    mutable project::TrainingSample cached_; // the last sample read (an image is read, then its mask)
};

} // namespace refermap::engine
