#pragma once

#include "common/result.h"
#include "engine/expression_encoder.h"
#include "geo/raster_source.h"
#include "model/btddnet_file.h"

#include <c10/core/Device.h>

#include <memory>
#include <string>
#include <vector>

namespace refermap::engine {

// BTDDNet as a per-tile function for one query: the expression is tokenised, masked and encoded
// (model::BtddnetText: its embeddings and the masked text's BERT pass) on the device once; each
// call normalises a batch of raster windows (ImageNet statistics, MODEL.md §7),
// resizes them to the network's input size when the tiles differ from it, runs the network under
// inference mode (fp32 everywhere, TF32 matrix products on CUDA) and returns each tile's foreground
// probability softmax([z_bg, z_fg])[fg] at the tile's size. Pixels without data go in as the mean
// colour. One thread at a time.
class BtddnetTilePredictor {
public:
    // Errors: an empty query, one longer than maxQueryCharacters, or one in which the vocabulary knows
    // no word (every wordpiece [UNK]) — each InvalidArgument naming the query.
    static Result<BtddnetTilePredictor> create(model::LoadedBtddnet model, const std::string& query,
                                               c10::Device device);

    static constexpr std::size_t maxQueryCharacters = 1000;

    // All windows must have the same size. Fails (naming the cause) when the network fails, e.g.
    // out of memory on the device.
    Result<std::vector<std::vector<float>>> predict(const std::vector<const geo::RasterWindow*>& windows);

    c10::Device device() const { return device_; }
    int networkSize() const;
    const model::LoadedBtddnet& model() const { return model_; }

private:
    BtddnetTilePredictor(model::LoadedBtddnet model, model::BtddnetText text, c10::Device device);

    model::LoadedBtddnet model_;
    model::BtddnetText text_; // batch 1, on the device
    c10::Device device_;
};

} // namespace refermap::engine
