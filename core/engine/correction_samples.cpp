#include "engine/correction_samples.h"

#include "common/sha256.h"
#include "geo/editable_mask.h"
#include "geo/raster_source.h"
#include "project/project_store.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <sstream>

namespace refermap::engine {

namespace {

std::string layerKey(std::int64_t id) { return "refermap_mask_layers/" + std::to_string(id); }

// The bands and stretch the layer's query ran with (the application's QuerySettings JSON: "bands"
// as "1,2,3" text, or empty for automatic).
Result<geo::RasterSourceOptions> sourceOptions(const project::MaskLayerRecord& layer)
{
    geo::RasterSourceOptions options;
    try {
        const auto json = nlohmann::json::parse(layer.settingsJson.empty() ? "{}" : layer.settingsJson);
        if (json.contains("bands")) {
            const auto& bands = json.at("bands");
            if (bands.is_array()) {
                options.bands = bands.get<std::vector<int>>();
            } else if (bands.is_string()) {
                std::stringstream text(bands.get<std::string>());
                std::string item;
                while (std::getline(text, item, ',')) {
                    if (item.find_first_not_of(" \t") != std::string::npos)
                        options.bands.push_back(std::stoi(item));
                }
            }
        }
        options.stretch.lowPercent = json.value("stretch_low_percent", options.stretch.lowPercent);
        options.stretch.highPercent = json.value("stretch_high_percent", options.stretch.highPercent);
    } catch (const std::exception& e) {
        return Error(ErrorCode::InvalidData, "the mask layer's query settings cannot be read")
            .withKey(layerKey(layer.id))
            .withDetail(e.what());
    }
    return options;
}

struct TileBox {
    int x0 = 0, y0 = 0, x1 = 0, y1 = 0; // pixels, half-open
};

// Chip origins along one axis of [begin, end): evenly spread, none past the end; a span shorter
// than a chip gets one chip centred on it, clamped to [0, limit - chip].
std::vector<int> chipOrigins(int begin, int end, int chip, int limit)
{
    const int span = end - begin;
    if (span <= chip) {
        const int origin = std::clamp(begin + span / 2 - chip / 2, 0, std::max(0, limit - chip));
        return {origin};
    }
    const int count = (span + chip - 1) / chip;
    std::vector<int> origins;
    for (int i = 0; i < count; ++i)
        origins.push_back(begin + static_cast<int>(std::lround(static_cast<double>(i) * (span - chip) / (count - 1))));
    return origins;
}

// The edited tiles grouped into 4-connected areas, as pixel boxes with the tiles they hold.
std::vector<std::pair<TileBox, std::set<std::pair<int, int>>>> editedAreas(const std::set<std::pair<int, int>>& tiles,
                                                                          int tileSize, int width, int height)
{
    std::vector<std::pair<TileBox, std::set<std::pair<int, int>>>> areas;
    std::set<std::pair<int, int>> seen;
    for (const auto& start : tiles) {
        if (!seen.insert(start).second)
            continue;
        std::set<std::pair<int, int>> members{start};
        std::vector<std::pair<int, int>> stack{start};
        while (!stack.empty()) {
            const auto [c, r] = stack.back();
            stack.pop_back();
            for (const auto& next : {std::pair{c - 1, r}, std::pair{c + 1, r}, std::pair{c, r - 1}, std::pair{c, r + 1}}) {
                if (tiles.count(next) != 0 && seen.insert(next).second) {
                    members.insert(next);
                    stack.push_back(next);
                }
            }
        }
        TileBox box{width, height, 0, 0};
        for (const auto& [c, r] : members) {
            box.x0 = std::min(box.x0, c * tileSize);
            box.y0 = std::min(box.y0, r * tileSize);
            box.x1 = std::max(box.x1, std::min(width, (c + 1) * tileSize));
            box.y1 = std::max(box.y1, std::min(height, (r + 1) * tileSize));
        }
        areas.emplace_back(box, std::move(members));
    }
    return areas;
}

// Pixels of `chip` that lie in the given edited tiles.
std::int64_t editedPixels(const TileBox& chip, const std::set<std::pair<int, int>>& tiles, int tileSize, int width,
                          int height)
{
    std::int64_t count = 0;
    for (const auto& [c, r] : tiles) {
        const int x0 = std::max(chip.x0, c * tileSize), x1 = std::min({chip.x1, (c + 1) * tileSize, width});
        const int y0 = std::max(chip.y0, r * tileSize), y1 = std::min({chip.y1, (r + 1) * tileSize, height});
        if (x1 > x0 && y1 > y0)
            count += static_cast<std::int64_t>(x1 - x0) * (y1 - y0);
    }
    return count;
}

// Marks share * n of `indices` as held out, in an order drawn from `random`: the whole part of
// share * n, plus one more with the probability of its fraction, so that layers of one or two
// chips (one scene each, say) are held out in the right proportion across a project. A layer with
// two or more keeps at least one to train on and holds out at least one.
void holdOut(std::vector<std::size_t> indices, double share, std::mt19937_64& random,
             std::vector<project::TrainingSample>& samples)
{
    for (std::size_t i = indices.size(); i > 1; --i)
        std::swap(indices[i - 1], indices[random() % i]);
    const double expected = share * static_cast<double>(indices.size());
    std::size_t count = static_cast<std::size_t>(expected);
    const double fraction = expected - static_cast<double>(count);
    if (std::uniform_real_distribution<double>(0.0, 1.0)(random) < fraction)
        count += 1;
    if (indices.size() >= 2)
        count = std::clamp<std::size_t>(count, share > 0 ? 1 : 0, indices.size() - 1);
    for (std::size_t i = 0; i < count; ++i)
        samples[indices[i]].info.validation = true;
}

// Keeps at most `ratio` negatives per positive (all of them when there is no positive: erasing
// false detections is then the whole lesson), chosen at random; the others are dropped.
void balanceNegatives(std::vector<std::size_t>& negatives, std::size_t positives, double ratio,
                      std::mt19937_64& random)
{
    const auto keep = static_cast<std::size_t>(std::ceil(ratio * static_cast<double>(positives)));
    if (positives == 0 || negatives.size() <= keep)
        return;
    for (std::size_t i = negatives.size(); i > 1; --i)
        std::swap(negatives[i - 1], negatives[random() % i]);
    negatives.resize(keep);
    std::sort(negatives.begin(), negatives.end());
}

CorrectionLayerSamples summarise(const project::MaskLayerRecord& layer,
                                 const std::vector<project::TrainingSampleInfo>& samples)
{
    CorrectionLayerSamples summary;
    summary.layerId = layer.id;
    summary.layerName = layer.name;
    for (const auto& sample : samples) {
        (sample.validation ? summary.validation : summary.train) += 1;
        summary.positive += sample.positive ? 1 : 0;
    }
    return summary;
}

} // namespace

std::vector<std::uint8_t> correctionChipRgb(const geo::RasterWindow& window)
{
    const std::size_t pixels = static_cast<std::size_t>(window.width) * static_cast<std::size_t>(window.height);
    std::vector<std::uint8_t> rgb(pixels * 3);
    for (std::size_t channel = 0; channel < 3; ++channel) {
        const float* plane = window.pixels.data() + channel * pixels;
        for (std::size_t i = 0; i < pixels; ++i) {
            const float value = window.valid[i] != 0 ? plane[i] : 0.0f;
            rgb[i * 3 + channel] = static_cast<std::uint8_t>(std::lround(std::clamp(value, 0.0f, 1.0f) * 255.0f));
        }
    }
    return rgb;
}

Result<CorrectionLayerSamples> takeCorrectionSamples(project::ProjectStore& store,
                                                     const project::MaskLayerRecord& layer,
                                                     const CorrectionSampleOptions& options,
                                                     ProgressRange& progress)
{
    if (options.chipSize < 16 || options.chipSize > 4096)
        return Error(ErrorCode::InvalidArgument, "the chip size must lie in 16..4096 pixels")
            .withKey("chip")
            .withDetail(std::to_string(options.chipSize));
    if (!(options.validationShare >= 0.0 && options.validationShare < 1.0))
        return Error(ErrorCode::InvalidArgument, "the validation share must lie in [0, 1)").withKey("val-share");

    auto stored = store.trainingSamples(layer.id);
    if (!stored)
        return stored.error();
    auto tiles = store.maskTiles(layer.id);
    if (!tiles)
        return tiles.error();

    // What the samples depend on: the edits, the query's mask and settings, the chip options.
    Sha256 hash;
    hash.update(layer.settingsJson + "\n" + (layer.maskPath ? layer.maskPath->string() : std::string()) + "\n"
                + std::to_string(options.chipSize) + "/" + std::to_string(options.validationShare) + "/"
                + std::to_string(options.seed) + "/" + std::to_string(options.negativesPerPositive) + "\n");
    std::set<std::pair<int, int>> edited;
    int tileSize = 0;
    for (const auto& tile : *tiles) {
        const std::string key = std::to_string(tile.key.x) + "," + std::to_string(tile.key.y) + ","
            + std::to_string(tile.key.size) + (tile.edited ? "e" : "") + ":";
        hash.update(key);
        hash.update(tile.bytes.data(), tile.bytes.size());
        if (tile.edited) {
            edited.insert({tile.key.x, tile.key.y});
            if (tileSize != 0 && tile.key.size != tileSize)
                return Error(ErrorCode::InvalidData, "the layer's tiles have different sizes").withKey(layerKey(layer.id));
            tileSize = tile.key.size;
        }
    }
    const std::string editsSha256 = hash.hex();

    CorrectionLayerSamples summary = summarise(layer, *stored);
    if (edited.empty())
        return summary; // nothing corrected: no samples (stored ones, if any, are left alone)
    const bool current = !stored->empty()
        && std::all_of(stored->begin(), stored->end(),
                       [&](const auto& sample) { return sample.layerEditsSha256 == editsSha256; });
    if (current || (!options.refresh && !stored->empty()))
        return summary;

    auto raster = store.raster(layer.rasterId);
    if (!raster)
        return raster.error();
    std::error_code status;
    for (const auto& [path, what] : {std::pair{raster->path, "raster"},
                                     std::pair{layer.maskPath.value_or(std::filesystem::path()), "query mask"}}) {
        if (std::filesystem::exists(path, status) || (path.empty() && !layer.maskPath))
            continue; // (a layer drawn by hand has no query mask: it starts empty)
        if (!stored->empty()) {
            spdlog::warn("fine-tune: the {} of layer '{}' is missing ({}); its {} stored samples are used as they are",
                         what, layer.name, path.string(), stored->size());
            summary.rasterMissing = true;
            return summary;
        }
        return Error(ErrorCode::NotFound, std::string("the ") + what + " of mask layer '" + layer.name
                                              + "' is missing (moved or deleted), so its corrections cannot become "
                                                "training samples; put it back or re-run the query")
            .withFile(path.string())
            .withKey(layerKey(layer.id));
    }

    auto sourceSettings = sourceOptions(layer);
    if (!sourceSettings)
        return sourceSettings.error();
    auto source = geo::RasterSource::open(raster->path, *sourceSettings);
    if (!source)
        return source.error();
    const int width = source->width(), height = source->height();
    auto mask = layer.maskPath ? geo::EditableMask::open(*layer.maskPath, tileSize)
                               : geo::EditableMask::blank(width, height, std::nullopt, std::string(), tileSize);
    if (!mask)
        return mask.error();
    if (mask->width() != width || mask->height() != height)
        return Error(ErrorCode::InvalidData, "the layer's mask and its raster differ in size")
            .withFile(layer.maskPath->string())
            .withKey(layerKey(layer.id))
            .withDetail(std::to_string(mask->width()) + "x" + std::to_string(mask->height()) + " vs "
                        + std::to_string(width) + "x" + std::to_string(height));
    for (const auto& tile : *tiles) {
        if (auto restored = mask->setTile(tile.key.x, tile.key.y, tile.bytes); !restored)
            return restored.error().withKey(layerKey(layer.id));
    }

    // Chips over every edited area.
    std::vector<TileBox> chips;
    std::set<std::pair<int, int>> placed;
    const int chipWidth = std::min(options.chipSize, width), chipHeight = std::min(options.chipSize, height);
    for (const auto& [box, members] : editedAreas(edited, tileSize, width, height)) {
        for (const int y : chipOrigins(box.y0, box.y1, chipHeight, height)) {
            for (const int x : chipOrigins(box.x0, box.x1, chipWidth, width)) {
                const TileBox chip{x, y, x + chipWidth, y + chipHeight};
                const std::int64_t area = static_cast<std::int64_t>(chipWidth) * chipHeight;
                if (4 * editedPixels(chip, members, tileSize, width, height) >= area && placed.insert({x, y}).second)
                    chips.push_back(chip);
            }
        }
    }

    std::vector<project::TrainingSample> samples;
    std::vector<std::size_t> positives, negatives;
    for (std::size_t i = 0; i < chips.size(); ++i) {
        if (progress.isCancelled())
            return Error(ErrorCode::Cancelled, "taking training samples cancelled");
        progress.setProgress(static_cast<double>(i) / static_cast<double>(chips.size()),
                             "layer '" + layer.name + "': chip " + std::to_string(i + 1) + "/"
                                 + std::to_string(chips.size()));
        const TileBox& chip = chips[i];
        project::TrainingSample sample;
        sample.info.layerId = layer.id;
        sample.info.rasterId = layer.rasterId;
        sample.info.queryText = layer.queryText;
        sample.info.x = chip.x0;
        sample.info.y = chip.y0;
        sample.info.width = chipWidth;
        sample.info.height = chipHeight;
        sample.info.layerEditsSha256 = editsSha256;
        sample.mask.resize(static_cast<std::size_t>(chipWidth) * chipHeight);
        if (auto read = mask->read({double(chip.x0), double(chip.y0), double(chipWidth), double(chipHeight)},
                                   chipWidth, chipHeight, sample.mask.data());
            !read)
            return read.error().withKey(layerKey(layer.id));
        auto window = source->readWindow(chip.x0, chip.y0, chipWidth, chipHeight);
        if (!window)
            return window.error();
        sample.rgb = correctionChipRgb(*window);
        sample.info.positive = std::any_of(sample.mask.begin(), sample.mask.end(), [](std::uint8_t v) { return v != 0; });
        (sample.info.positive ? positives : negatives).push_back(samples.size());
        samples.push_back(std::move(sample));
    }
    std::mt19937_64 random(options.seed ^ (static_cast<std::uint64_t>(layer.id) * 0x9E3779B97F4A7C15ULL));
    balanceNegatives(negatives, positives.size(), options.negativesPerPositive, random);
    {
        std::vector<project::TrainingSample> kept;
        std::vector<std::size_t> keptPositives, keptNegatives;
        std::size_t next = 0;
        for (std::size_t i = 0; i < samples.size(); ++i) {
            const bool positive = samples[i].info.positive;
            if (!positive && !std::binary_search(negatives.begin(), negatives.end(), i))
                continue;
            (positive ? keptPositives : keptNegatives).push_back(next++);
            kept.push_back(std::move(samples[i]));
        }
        samples = std::move(kept);
        positives = std::move(keptPositives);
        negatives = std::move(keptNegatives);
    }
    holdOut(positives, options.validationShare, random, samples);
    holdOut(negatives, options.validationShare, random, samples);

    if (auto saved = store.replaceTrainingSamples(layer.id, samples); !saved)
        return saved.error();
    std::vector<project::TrainingSampleInfo> infos;
    for (const auto& sample : samples)
        infos.push_back(sample.info);
    summary = summarise(layer, infos);
    summary.taken = true;
    spdlog::info("fine-tune: layer '{}': {} samples ({} with the target, {} held out) from {} chips over {} edited tiles",
                 layer.name, samples.size(), positives.size(), summary.validation, chips.size(), edited.size());
    return summary;
}

} // namespace refermap::engine
