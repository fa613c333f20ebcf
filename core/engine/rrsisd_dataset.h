#pragma once

#include "engine/coco_rle.h"
#include "engine/referring_dataset.h"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace refermap::engine {

// RRSIS-D (Liu et al., "Rotated Multi-Scale Interaction Network for Referring Remote Sensing Image
// Segmentation"), in the layout of its release (refer/data):
//   <folder>/instances.json   COCO style: images [{id, file_name, width, height}], annotations
//                             [{id, image_id, segmentation}] with segmentation a COCO RLE
//                             {size: [h, w], counts: "<compressed string>" or [uncompressed ints]}
//                             (a list of such RLEs is merged; polygons are Unsupported)
//   <folder>/refs.json        the refs: [{ref_id, ann_id, image_id, split, sentences: [{raw, sent, …}]}]
//   <folder>/images/rrsisd/JPEGImages/<file_name>   (the release) or <folder>/images/<file_name>
// instances.json and refs.json may also lie in <folder>/rrsisd/ (the REFER tool's layout).
//
// refs.json is the original `refs(unc).p` pickle converted to JSON once (we never load pickles: they
// execute code):
//   python3 -c "import pickle,json; json.dump(pickle.load(open('refs(unc).p','rb')), open('refs.json','w'))"
//
// Sentences are each sentence's `raw` text (as the reference loaders read them), `sent` where `raw`
// is missing. Ref ids are the ref_id, image ids the COCO image id.
//
// Some RRSIS-D images are 800×801 or 800×787 while their RLE says 800×800: loadMask() places the
// decoded RLE at the top-left of a mask of the image FILE's real size, padding with 0 where the image
// is larger and cropping where it is smaller, so image and mask always have the same size.
//
// Opening parses both JSON files, keeps only the refs of the split and validates their RLEs (errors
// name the file and key); images are read on demand with GDAL.
class RrsisdDataset final : public ReferringDataset {
public:
    // Errors: NotFound for a missing instances.json, refs.json (the detail gives the conversion command
    // when refs(unc).p is there) or image folder; InvalidData naming file and key for bad JSON, a ref
    // whose annotation or image is not in instances.json, a ref without sentences, or a bad RLE.
    static Result<std::unique_ptr<RrsisdDataset>> open(const std::filesystem::path& folder, DatasetSplit split);

    std::string name() const override { return "RRSIS-D"; }
    DatasetSplit split() const override { return split_; }
    std::size_t size() const override { return refs_.size(); }
    const ReferringRef& ref(std::size_t index) const override { return refs_.at(index); }

    Result<RgbImage> loadImage(std::size_t index) const override;
    Result<BinaryMask> loadMask(std::size_t index) const override;

    // The RLE of a ref's annotation, at the size the RLE declares.
    const CocoRle& annotation(std::size_t index) const { return masks_.at(index); }

    // Pads (0) or crops a mask, anchored at the top-left, to width × height.
    static BinaryMask fitMask(const BinaryMask& mask, int width, int height);

private:
    RrsisdDataset() = default;

    DatasetSplit split_ = DatasetSplit::Train;
    std::vector<ReferringRef> refs_;
    std::vector<CocoRle> masks_; // parallel to refs_
};

} // namespace refermap::engine
