#include "geo/mask_edit.h"

#include <string>

namespace refermap::geo {

std::size_t MaskEdit::byteSize() const
{
    std::size_t total = 0;
    for (const auto& tile : tiles)
        total += sizeof(MaskTileChange) + tile.before.size() + tile.after.size();
    return total;
}

std::vector<std::uint8_t> encodeMaskTile(const std::vector<std::uint8_t>& pixels)
{
    std::vector<std::uint8_t> encoded;
    std::size_t i = 0;
    while (i < pixels.size()) {
        const std::uint8_t value = pixels[i];
        std::size_t run = 1;
        while (i + run < pixels.size() && pixels[i + run] == value)
            ++run;
        encoded.push_back(value);
        std::size_t length = run;
        do {
            std::uint8_t byte = length & 0x7f;
            length >>= 7;
            if (length)
                byte |= 0x80;
            encoded.push_back(byte);
        } while (length);
        i += run;
    }
    return encoded;
}

Result<std::vector<std::uint8_t>> decodeMaskTile(const std::vector<std::uint8_t>& encoded, std::size_t pixelCount)
{
    std::vector<std::uint8_t> pixels;
    pixels.reserve(pixelCount);
    std::size_t i = 0;
    while (i < encoded.size()) {
        const std::uint8_t value = encoded[i++];
        std::size_t length = 0;
        int shift = 0;
        bool more = true;
        while (more) {
            if (i >= encoded.size() || shift > 56)
                return Error(ErrorCode::InvalidData, "a mask tile record is truncated");
            const std::uint8_t byte = encoded[i++];
            length |= static_cast<std::size_t>(byte & 0x7f) << shift;
            shift += 7;
            more = (byte & 0x80) != 0;
        }
        if (length > pixelCount - pixels.size())
            return Error(ErrorCode::InvalidData, "a mask tile record holds too many pixels")
                .withDetail(std::to_string(pixelCount) + " expected");
        pixels.insert(pixels.end(), length, value);
    }
    if (pixels.size() != pixelCount)
        return Error(ErrorCode::InvalidData, "a mask tile record holds too few pixels")
            .withDetail(std::to_string(pixels.size()) + " of " + std::to_string(pixelCount));
    return pixels;
}

} // namespace refermap::geo
