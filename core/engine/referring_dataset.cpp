#include "engine/referring_dataset.h"

#include "engine/correction_dataset.h"
#include "engine/refsegrs_dataset.h"
#include "engine/rrsisd_dataset.h"

#include <array>

namespace refermap::engine {

const char* datasetSplitName(DatasetSplit split)
{
    switch (split) {
    case DatasetSplit::Train:
        return "train";
    case DatasetSplit::Val:
        return "val";
    case DatasetSplit::Test:
        return "test";
    }
    return "unknown";
}

Result<DatasetSplit> parseDatasetSplit(const std::string& name)
{
    for (DatasetSplit split : {DatasetSplit::Train, DatasetSplit::Val, DatasetSplit::Test}) {
        if (name == datasetSplitName(split))
            return split;
    }
    return Error(ErrorCode::InvalidArgument, "unknown dataset split '" + name + "'")
        .withDetail("expected train, val or test");
}

Result<std::unique_ptr<ReferringDataset>> openReferringDataset(const std::filesystem::path& folder, DatasetSplit split,
                                                               const std::vector<std::int64_t>& projectLayers)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::exists(folder, ec))
        return Error(ErrorCode::NotFound, "the dataset folder does not exist").withFile(folder.string());
    // A project file: the training samples taken from the user's corrections.
    if (fs::is_regular_file(folder, ec) && folder.extension() == ".gpkg") {
        auto dataset = CorrectionDataset::open(folder, split, projectLayers);
        if (!dataset)
            return dataset.error();
        return std::unique_ptr<ReferringDataset>(std::move(*dataset));
    }
    if (!fs::is_directory(folder, ec))
        return Error(ErrorCode::InvalidArgument, "expected a dataset folder, got a file").withFile(folder.string());

    // RefSegRS: any phrase file (the requested split's may be missing: open() then says which).
    for (const char* name : {"train", "val", "test"}) {
        if (fs::is_regular_file(folder / (std::string("output_phrase_") + name + ".txt"), ec)) {
            auto dataset = RefSegRsDataset::open(folder, split);
            if (!dataset)
                return dataset.error();
            return std::unique_ptr<ReferringDataset>(std::move(*dataset));
        }
    }
    if (fs::is_regular_file(folder / "instances.json", ec)
        || fs::is_regular_file(folder / "rrsisd" / "instances.json", ec)) {
        auto dataset = RrsisdDataset::open(folder, split);
        if (!dataset)
            return dataset.error();
        return std::unique_ptr<ReferringDataset>(std::move(*dataset));
    }
    return Error(ErrorCode::InvalidData, "the folder is not a referring dataset")
        .withFile(folder.string())
        .withDetail("expected RefSegRS (images/, masks/, output_phrase_{train,val,test}.txt) or RRSIS-D "
                    "(instances.json, refs.json, images/)");
}

} // namespace refermap::engine
