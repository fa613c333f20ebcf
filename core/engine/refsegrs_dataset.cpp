#include "engine/refsegrs_dataset.h"

#include "engine/dataset_image_reader.h"

#include <array>
#include <fstream>
#include <system_error>

namespace refermap::engine {

namespace {

namespace fs = std::filesystem;

// The first existing file <folder>/<stem><extension>, or the .tif path (for the error) if none exists.
fs::path findRaster(const fs::path& folder, const std::string& stem, bool& found)
{
    static const std::array<const char*, 4> extensions {".tif", ".tiff", ".png", ".jpg"};
    for (const char* extension : extensions) {
        const fs::path candidate = folder / (stem + extension);
        std::error_code ec;
        if (fs::is_regular_file(candidate, ec)) {
            found = true;
            return candidate;
        }
    }
    found = false;
    return folder / (stem + ".tif");
}

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

} // namespace

Result<std::unique_ptr<RefSegRsDataset>> RefSegRsDataset::open(const fs::path& folder, DatasetSplit split)
{
    const std::string phraseName = std::string("output_phrase_") + datasetSplitName(split) + ".txt";
    const fs::path phrasePath = folder / phraseName;
    std::error_code ec;
    if (!fs::is_regular_file(phrasePath, ec))
        return Error(ErrorCode::NotFound, "the RefSegRS phrase file of this split does not exist")
            .withFile(phrasePath.string());
    std::ifstream stream(phrasePath, std::ios::binary);
    if (!stream)
        return Error(ErrorCode::PermissionDenied, "cannot read the RefSegRS phrase file").withFile(phrasePath.string());

    std::unique_ptr<RefSegRsDataset> dataset(new RefSegRsDataset());
    dataset->split_ = split;
    std::string line;
    int lineNumber = 0;
    while (std::getline(stream, line)) {
        ++lineNumber;
        const std::string key = phraseName + " line " + std::to_string(lineNumber);
        std::size_t begin = 0;
        while (begin < line.size() && isSpace(line[begin]))
            ++begin;
        if (begin == line.size())
            continue; // blank line
        std::size_t stemEnd = begin;
        while (stemEnd < line.size() && !isSpace(line[stemEnd]))
            ++stemEnd;
        const std::string stem = line.substr(begin, stemEnd - begin);
        std::size_t textBegin = stemEnd;
        while (textBegin < line.size() && isSpace(line[textBegin]))
            ++textBegin;
        std::size_t textEnd = line.size();
        while (textEnd > textBegin && isSpace(line[textEnd - 1]))
            --textEnd;
        if (textBegin == textEnd)
            return Error(ErrorCode::InvalidData, "a RefSegRS line has no expression after the file name")
                .withFile(phrasePath.string())
                .withKey(key)
                .withDetail("the line is '" + line.substr(begin, textEnd - begin) + "'");

        bool found = false;
        const fs::path image = findRaster(folder / "images", stem, found);
        if (!found)
            return Error(ErrorCode::NotFound, "the image of a RefSegRS line does not exist")
                .withFile(image.string())
                .withKey(key);
        const fs::path mask = findRaster(folder / "masks", stem, found);
        if (!found)
            return Error(ErrorCode::NotFound, "the mask of a RefSegRS line does not exist")
                .withFile(mask.string())
                .withKey(key);

        ReferringRef ref;
        ref.id = std::to_string(lineNumber) + ":" + stem;
        ref.imageId = stem;
        ref.imagePath = image;
        ref.sentences.push_back(line.substr(textBegin, textEnd - textBegin));
        dataset->refs_.push_back(std::move(ref));
        dataset->maskPaths_.push_back(mask);
        dataset->lineKeys_.push_back(key);
    }
    if (stream.bad())
        return Error(ErrorCode::Io, "reading the RefSegRS phrase file failed").withFile(phrasePath.string());
    return dataset;
}

Result<RgbImage> RefSegRsDataset::loadImage(std::size_t index) const
{
    if (index >= refs_.size())
        return Error(ErrorCode::InvalidArgument, "ref index out of range")
            .withDetail(std::to_string(index) + " of " + std::to_string(refs_.size()));
    auto image = readRgbImage(refs_[index].imagePath);
    if (!image)
        return image.error().withKey(lineKeys_[index]);
    return image;
}

Result<BinaryMask> RefSegRsDataset::loadMask(std::size_t index) const
{
    if (index >= refs_.size())
        return Error(ErrorCode::InvalidArgument, "ref index out of range")
            .withDetail(std::to_string(index) + " of " + std::to_string(refs_.size()));
    auto mask = readThresholdedMask(maskPaths_[index], foregroundThreshold);
    if (!mask)
        return mask.error().withKey(lineKeys_[index]);
    auto imageSize = readRasterSize(refs_[index].imagePath);
    if (!imageSize)
        return imageSize.error().withKey(lineKeys_[index]);
    if (imageSize->width != mask->width || imageSize->height != mask->height)
        return Error(ErrorCode::InvalidData, "the mask's size differs from its image's")
            .withFile(maskPaths_[index].string())
            .withKey(lineKeys_[index])
            .withDetail("mask " + std::to_string(mask->width) + "×" + std::to_string(mask->height) + ", image '"
                + refs_[index].imagePath.string() + "' " + std::to_string(imageSize->width) + "×"
                + std::to_string(imageSize->height));
    return mask;
}

} // namespace refermap::engine
