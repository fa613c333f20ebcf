#include "engine/rrsisd_dataset.h"

#include "engine/dataset_image_reader.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <unordered_map>

namespace refermap::engine {

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

bool isFile(const fs::path& path)
{
    std::error_code ec;
    return fs::is_regular_file(path, ec);
}

bool isFolder(const fs::path& path)
{
    std::error_code ec;
    return fs::is_directory(path, ec);
}

Result<Json> readJson(const fs::path& path)
{
    std::ifstream stream(path, std::ios::binary);
    if (!stream)
        return Error(ErrorCode::PermissionDenied, "cannot read the JSON file").withFile(path.string());
    try {
        return Json::parse(stream);
    } catch (const Json::exception& e) {
        return Error(ErrorCode::InvalidData, "the file is not valid JSON").withFile(path.string()).withDetail(e.what());
    }
}

// Reads an integer member, or fails naming file and key.
Result<std::int64_t> integerMember(const Json& object, const char* name, const fs::path& file, const std::string& key)
{
    if (!object.is_object() || !object.contains(name) || !object[name].is_number_integer())
        return Error(ErrorCode::InvalidData, std::string("missing or non-integer '") + name + "'")
            .withFile(file.string())
            .withKey(key);
    return object[name].get<std::int64_t>();
}

// One COCO RLE object {size: [h, w], counts: string | [int]}.
Result<CocoRle> parseRleObject(const Json& object, const fs::path& file, const std::string& key)
{
    if (!object.is_object() || !object.contains("size") || !object.contains("counts"))
        return Error(ErrorCode::InvalidData, "a segmentation must be a COCO RLE {size, counts}")
            .withFile(file.string())
            .withKey(key);
    const Json& size = object["size"];
    if (!size.is_array() || size.size() != 2 || !size[0].is_number_integer() || !size[1].is_number_integer())
        return Error(ErrorCode::InvalidData, "an RLE 'size' must be [height, width]")
            .withFile(file.string())
            .withKey(key + ".size");
    const auto height = size[0].get<std::int64_t>();
    const auto width = size[1].get<std::int64_t>();
    if (height <= 0 || width <= 0 || height > 1 << 20 || width > 1 << 20)
        return Error(ErrorCode::InvalidData, "an RLE 'size' is out of range")
            .withFile(file.string())
            .withKey(key + ".size")
            .withDetail(size.dump());
    const Json& counts = object["counts"];
    Result<CocoRle> rle = Error(ErrorCode::Internal, "unset");
    if (counts.is_string()) {
        rle = parseCocoRleString(
            counts.get_ref<const std::string&>(), static_cast<int>(height), static_cast<int>(width), key + ".counts");
    } else if (counts.is_array()) {
        std::vector<std::int64_t> values;
        values.reserve(counts.size());
        for (const Json& value : counts) {
            if (!value.is_number_integer())
                return Error(ErrorCode::InvalidData, "uncompressed RLE counts must be integers")
                    .withFile(file.string())
                    .withKey(key + ".counts");
            values.push_back(value.get<std::int64_t>());
        }
        rle = cocoRleFromCounts(values, static_cast<int>(height), static_cast<int>(width), key + ".counts");
    } else {
        return Error(ErrorCode::InvalidData, "RLE 'counts' must be a string or a list of integers")
            .withFile(file.string())
            .withKey(key + ".counts");
    }
    if (!rle)
        return rle.error().withFile(file.string());
    return rle;
}

// Several RLEs of one object merged (pycocotools merge with intersect = 0), as one run list.
CocoRle mergeRles(const std::vector<CocoRle>& parts)
{
    const BinaryMask first = decodeCocoRle(parts.front());
    std::vector<std::uint8_t> columnMajor(first.pixels.size(), 0);
    const auto height = static_cast<std::size_t>(parts.front().height);
    const auto width = static_cast<std::size_t>(parts.front().width);
    for (const CocoRle& part : parts) {
        const BinaryMask mask = decodeCocoRle(part);
        for (std::size_t y = 0; y < height; ++y)
            for (std::size_t x = 0; x < width; ++x)
                columnMajor[x * height + y] |= mask.pixels[y * width + x];
    }
    CocoRle merged {parts.front().height, parts.front().width, {}};
    std::uint8_t value = 0;
    std::uint32_t run = 0;
    for (std::uint8_t pixel : columnMajor) {
        if (pixel != value) {
            merged.counts.push_back(run);
            run = 0;
            value = pixel;
        }
        ++run;
    }
    merged.counts.push_back(run);
    return merged;
}

Result<CocoRle> parseSegmentation(const Json& segmentation, const fs::path& file, const std::string& key)
{
    if (segmentation.is_object())
        return parseRleObject(segmentation, file, key);
    if (segmentation.is_array() && !segmentation.empty()) {
        if (!segmentation[0].is_object())
            return Error(ErrorCode::Unsupported, "polygon segmentations are not supported; RRSIS-D stores RLEs")
                .withFile(file.string())
                .withKey(key);
        std::vector<CocoRle> parts;
        for (std::size_t i = 0; i < segmentation.size(); ++i) {
            auto part = parseRleObject(segmentation[i], file, key + "[" + std::to_string(i) + "]");
            if (!part)
                return part.error();
            if (!parts.empty() && (part->height != parts.front().height || part->width != parts.front().width))
                return Error(ErrorCode::InvalidData, "the RLEs of one segmentation differ in size")
                    .withFile(file.string())
                    .withKey(key + "[" + std::to_string(i) + "]");
            parts.push_back(std::move(*part));
        }
        if (parts.size() == 1)
            return std::move(parts.front());
        return mergeRles(parts);
    }
    return Error(ErrorCode::InvalidData, "a segmentation must be a COCO RLE or a list of RLEs")
        .withFile(file.string())
        .withKey(key);
}

struct ImageEntry {
    std::string fileName;
};

} // namespace

Result<std::unique_ptr<RrsisdDataset>> RrsisdDataset::open(const fs::path& folder, DatasetSplit split)
{
    fs::path annotationFolder = folder;
    if (!isFile(folder / "instances.json") && isFile(folder / "rrsisd" / "instances.json"))
        annotationFolder = folder / "rrsisd";
    const fs::path instancesPath = annotationFolder / "instances.json";
    const fs::path refsPath = annotationFolder / "refs.json";
    if (!isFile(instancesPath))
        return Error(ErrorCode::NotFound, "the RRSIS-D instances.json does not exist").withFile(instancesPath.string());
    if (!isFile(refsPath)) {
        Error error = Error(ErrorCode::NotFound, "the RRSIS-D refs.json does not exist").withFile(refsPath.string());
        if (isFile(annotationFolder / "refs(unc).p"))
            error = error.withDetail("convert refs(unc).p once, in that folder, with: python3 -c \"import pickle,json; "
                                     "json.dump(pickle.load(open('refs(unc).p','rb')), open('refs.json','w'))\"");
        return error;
    }

    // The image folder: the release's images/rrsisd/JPEGImages, else images/.
    fs::path imageFolder;
    for (const fs::path& candidate : {folder / "images" / "rrsisd" / "JPEGImages", folder / "images",
             annotationFolder / "images" / "rrsisd" / "JPEGImages", annotationFolder / "images"}) {
        if (isFolder(candidate)) {
            imageFolder = candidate;
            break;
        }
    }
    if (imageFolder.empty())
        return Error(ErrorCode::NotFound, "the RRSIS-D image folder does not exist")
            .withFile((folder / "images").string())
            .withDetail("expected images/rrsisd/JPEGImages/ or images/");

    auto instances = readJson(instancesPath);
    if (!instances)
        return instances.error();
    auto refsJson = readJson(refsPath);
    if (!refsJson)
        return refsJson.error();

    if (!instances->is_object() || !instances->contains("images") || !(*instances)["images"].is_array()
        || !instances->contains("annotations") || !(*instances)["annotations"].is_array())
        return Error(ErrorCode::InvalidData, "instances.json must have 'images' and 'annotations' lists")
            .withFile(instancesPath.string());

    std::unordered_map<std::int64_t, ImageEntry> images;
    const Json& imageList = (*instances)["images"];
    for (std::size_t i = 0; i < imageList.size(); ++i) {
        const std::string key = "images[" + std::to_string(i) + "]";
        auto id = integerMember(imageList[i], "id", instancesPath, key + ".id");
        if (!id)
            return id.error();
        const Json& entry = imageList[i];
        if (!entry.contains("file_name") || !entry["file_name"].is_string()
            || entry["file_name"].get_ref<const std::string&>().empty())
            return Error(ErrorCode::InvalidData, "an image has no 'file_name'")
                .withFile(instancesPath.string())
                .withKey(key + ".file_name");
        images[*id] = ImageEntry {entry["file_name"].get<std::string>()};
    }
    // Annotations by id, pointing into the JSON; only those a ref of this split uses are parsed.
    std::unordered_map<std::int64_t, std::size_t> annotations;
    const Json& annotationList = (*instances)["annotations"];
    for (std::size_t i = 0; i < annotationList.size(); ++i) {
        auto id = integerMember(annotationList[i], "id", instancesPath, "annotations[" + std::to_string(i) + "].id");
        if (!id)
            return id.error();
        annotations[*id] = i;
    }

    if (!refsJson->is_array())
        return Error(ErrorCode::InvalidData, "refs.json must be a list of refs").withFile(refsPath.string());
    std::unique_ptr<RrsisdDataset> dataset(new RrsisdDataset());
    dataset->split_ = split;
    const std::string splitName = datasetSplitName(split);
    for (std::size_t i = 0; i < refsJson->size(); ++i) {
        const Json& entry = (*refsJson)[i];
        const std::string key = "refs[" + std::to_string(i) + "]";
        if (!entry.is_object() || !entry.contains("split") || !entry["split"].is_string())
            return Error(ErrorCode::InvalidData, "a ref has no 'split'")
                .withFile(refsPath.string())
                .withKey(key + ".split");
        if (entry["split"].get_ref<const std::string&>() != splitName)
            continue;
        auto refId = integerMember(entry, "ref_id", refsPath, key + ".ref_id");
        if (!refId)
            return refId.error();
        auto annId = integerMember(entry, "ann_id", refsPath, key + ".ann_id");
        if (!annId)
            return annId.error();
        auto imageId = integerMember(entry, "image_id", refsPath, key + ".image_id");
        if (!imageId)
            return imageId.error();

        const auto image = images.find(*imageId);
        if (image == images.end())
            return Error(ErrorCode::InvalidData, "a ref's image is not in instances.json")
                .withFile(refsPath.string())
                .withKey(key + ".image_id")
                .withDetail("image_id " + std::to_string(*imageId));
        const auto annotation = annotations.find(*annId);
        if (annotation == annotations.end())
            return Error(ErrorCode::InvalidData, "a ref's annotation is not in instances.json")
                .withFile(refsPath.string())
                .withKey(key + ".ann_id")
                .withDetail("ann_id " + std::to_string(*annId));
        const Json& annotationEntry = annotationList[annotation->second];
        const std::string annotationKey = "annotations[" + std::to_string(annotation->second) + "].segmentation";
        if (!annotationEntry.contains("segmentation"))
            return Error(ErrorCode::InvalidData, "an annotation has no 'segmentation'")
                .withFile(instancesPath.string())
                .withKey(annotationKey);
        auto rle = parseSegmentation(annotationEntry["segmentation"], instancesPath, annotationKey);
        if (!rle)
            return rle.error();

        ReferringRef ref;
        ref.id = std::to_string(*refId);
        ref.imageId = std::to_string(*imageId);
        ref.imagePath = imageFolder / image->second.fileName;
        if (!entry.contains("sentences") || !entry["sentences"].is_array())
            return Error(ErrorCode::InvalidData, "a ref has no 'sentences' list")
                .withFile(refsPath.string())
                .withKey(key + ".sentences");
        const Json& sentences = entry["sentences"];
        for (std::size_t s = 0; s < sentences.size(); ++s) {
            const Json& sentence = sentences[s];
            const char* field = sentence.is_object() && sentence.contains("raw") ? "raw" : "sent";
            if (!sentence.is_object() || !sentence.contains(field) || !sentence[field].is_string())
                return Error(ErrorCode::InvalidData, "a sentence has no 'raw' or 'sent' text")
                    .withFile(refsPath.string())
                    .withKey(key + ".sentences[" + std::to_string(s) + "]");
            std::string text = sentence[field].get<std::string>();
            const auto first = text.find_first_not_of(" \t\r\n");
            if (first == std::string::npos)
                return Error(ErrorCode::InvalidData, "a sentence is empty")
                    .withFile(refsPath.string())
                    .withKey(key + ".sentences[" + std::to_string(s) + "]." + field);
            text = text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
            ref.sentences.push_back(std::move(text));
        }
        if (ref.sentences.empty())
            return Error(ErrorCode::InvalidData, "a ref has no sentences")
                .withFile(refsPath.string())
                .withKey(key + ".sentences");
        dataset->refs_.push_back(std::move(ref));
        dataset->masks_.push_back(std::move(*rle));
    }
    return dataset;
}

Result<RgbImage> RrsisdDataset::loadImage(std::size_t index) const
{
    if (index >= refs_.size())
        return Error(ErrorCode::InvalidArgument, "ref index out of range")
            .withDetail(std::to_string(index) + " of " + std::to_string(refs_.size()));
    return readRgbImage(refs_[index].imagePath);
}

Result<BinaryMask> RrsisdDataset::loadMask(std::size_t index) const
{
    if (index >= refs_.size())
        return Error(ErrorCode::InvalidArgument, "ref index out of range")
            .withDetail(std::to_string(index) + " of " + std::to_string(refs_.size()));
    // The image file's real size, not instances.json's: they disagree for a few RRSIS-D images.
    auto size = readRasterSize(refs_[index].imagePath);
    if (!size)
        return size.error();
    const BinaryMask mask = decodeCocoRle(masks_[index]);
    if (mask.width == size->width && mask.height == size->height)
        return mask;
    return fitMask(mask, size->width, size->height);
}

BinaryMask RrsisdDataset::fitMask(const BinaryMask& mask, int width, int height)
{
    BinaryMask fitted;
    fitted.width = width;
    fitted.height = height;
    fitted.pixels.assign(static_cast<std::size_t>(width) * static_cast<std::size_t>(height), 0);
    const int rows = std::min(height, mask.height);
    const int columns = std::min(width, mask.width);
    for (int y = 0; y < rows; ++y)
        std::copy_n(mask.pixels.begin() + static_cast<std::ptrdiff_t>(y) * mask.width, columns,
            fitted.pixels.begin() + static_cast<std::ptrdiff_t>(y) * width);
    return fitted;
}

} // namespace refermap::engine
