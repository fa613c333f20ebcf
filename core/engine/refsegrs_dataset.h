#pragma once

#include "engine/referring_dataset.h"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace refermap::engine {

// RefSegRS (Yuan et al., "RRSIS: Referring Remote Sensing Image Segmentation"), and the layout the
// synthetic benchmark writes:
//   <folder>/images/<stem>.tif          the image: 1 band (grey, replicated) or 3+ bands (RGB = 1..3), Byte
//   <folder>/masks/<stem>.tif           the ground truth, band 1; foreground = value > 50
//   <folder>/output_phrase_<split>.txt  one ref per line: "<stem> <expression …>"
// The first whitespace-separated field of a line is the file stem, the rest (trimmed) the expression;
// blank lines are skipped; a line ending in CR LF is accepted. Images and masks are looked up as
// .tif, then .tiff, .png, .jpg. Ref ids are "<line>:<stem>" (1-based line), so a stem that appears on
// several lines gives several refs.
// Opening reads the phrase file and checks that every image and mask exists; pixels are read on
// demand. Non-Byte image bands are an Unsupported error (see dataset_image_reader.h).
class RefSegRsDataset final : public ReferringDataset {
public:
    // Errors name the file and, for a bad line, the line ("output_phrase_train.txt line 7" as key):
    // NotFound for a missing phrase file, image or mask; InvalidData for a line without an expression.
    static Result<std::unique_ptr<RefSegRsDataset>> open(const std::filesystem::path& folder, DatasetSplit split);

    std::string name() const override { return "RefSegRS"; }
    DatasetSplit split() const override { return split_; }
    std::size_t size() const override { return refs_.size(); }
    const ReferringRef& ref(std::size_t index) const override { return refs_.at(index); }

    Result<RgbImage> loadImage(std::size_t index) const override;
    // Also checks the mask against the image's size: a mismatch is InvalidData naming the mask file
    // and the phrase line.
    Result<BinaryMask> loadMask(std::size_t index) const override;

    // Mask pixels with a value above this are foreground (the reference loader's `mask > 50`).
    static constexpr double foregroundThreshold = 50.0;

private:
    RefSegRsDataset() = default;

    DatasetSplit split_ = DatasetSplit::Train;
    std::vector<ReferringRef> refs_;
    std::vector<std::filesystem::path> maskPaths_; // parallel to refs_
    std::vector<std::string> lineKeys_; // parallel to refs_: "<phrase file> line <n>"
};

} // namespace refermap::engine
