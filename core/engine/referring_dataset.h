#pragma once

#include "common/result.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace refermap::engine {

// An 8-bit image at its source resolution, interleaved RGB (row-major, 3 bytes per pixel).
struct RgbImage {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> pixels; // width * height * 3
};

// A binary mask at its source resolution, row-major, 1 on the referred object, 0 elsewhere.
struct BinaryMask {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> pixels; // width * height, values 0 or 1
};

// One referred object: the image it lies in, its ground truth and every expression that refers to
// it (RefSegRS has one expression per line; an RRSIS-D ref has one or more sentences).
struct ReferringRef {
    std::string id;       // unique within the dataset and split (RefSegRS: "<line>:<stem>", RRSIS-D: ref_id)
    std::string imageId;  // the image's file stem (RefSegRS) or COCO image id (RRSIS-D)
    std::filesystem::path imagePath;
    std::vector<std::string> sentences;
};

// The dataset splits of the referring benchmarks.
enum class DatasetSplit { Train, Val, Test };
const char* datasetSplitName(DatasetSplit split); // "train", "val", "test"
Result<DatasetSplit> parseDatasetSplit(const std::string& name);

// One split of a referring-segmentation dataset, indexed when opened (small: paths and sentences);
// images and masks are read on demand, so a dataset of any size costs little memory. Loading is
// thread-safe (the trainer's prefetch thread and the caller may load concurrently). Errors name the
// file (and key/line where there is one).
class ReferringDataset {
public:
    virtual ~ReferringDataset() = default;

    virtual std::string name() const = 0; // "RefSegRS", "RRSIS-D"
    virtual DatasetSplit split() const = 0;
    virtual std::size_t size() const = 0; // number of refs
    virtual const ReferringRef& ref(std::size_t index) const = 0;

    virtual Result<RgbImage> loadImage(std::size_t index) const = 0;
    // The ground truth at the image's size (RRSIS-D: an RLE whose size differs from the image's is
    // padded/cropped to the image, see rrsisd_dataset.h).
    virtual Result<BinaryMask> loadMask(std::size_t index) const = 0;
};

// Opens a dataset folder, recognising its layout: RefSegRS (images/, masks/,
// output_phrase_{train,val,test}.txt) or RRSIS-D (instances.json, refs.json, images/). The
// synthetic benchmark writes the RefSegRS layout. A project file (*.gpkg) opens as the training
// samples of its corrections (CorrectionDataset), only those of `projectLayers` when given.
Result<std::unique_ptr<ReferringDataset>> openReferringDataset(const std::filesystem::path& folder,
                                                               DatasetSplit split,
                                                               const std::vector<std::int64_t>& projectLayers = {});

} // namespace refermap::engine
