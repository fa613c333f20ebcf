#include "engine/coco_rle.h"

#include <algorithm>
#include <limits>

namespace refermap::engine {

namespace {

Result<void> checkSize(int height, int width, const std::string& key)
{
    if (height <= 0 || width <= 0)
        return Error(ErrorCode::InvalidArgument, "the RLE size must be positive")
            .withKey(key)
            .withDetail("size [" + std::to_string(height) + ", " + std::to_string(width) + "]");
    return {};
}

// Checks that the runs tile height × width exactly, so decoding never writes out of bounds.
Result<CocoRle> finish(std::vector<std::uint32_t> counts, int height, int width, const std::string& key)
{
    const std::uint64_t pixels = static_cast<std::uint64_t>(height) * static_cast<std::uint64_t>(width);
    std::uint64_t covered = 0;
    for (std::size_t i = 0; i < counts.size(); ++i) {
        covered += counts[i];
        if (covered > pixels)
            return Error(ErrorCode::InvalidData, "the RLE runs overrun the mask")
                .withKey(key)
                .withDetail("run " + std::to_string(i) + " ends at pixel " + std::to_string(covered) + " of "
                    + std::to_string(height) + "×" + std::to_string(width) + " = " + std::to_string(pixels));
    }
    if (covered != pixels)
        return Error(ErrorCode::InvalidData, "the RLE runs do not cover the mask")
            .withKey(key)
            .withDetail("they cover " + std::to_string(covered) + " of " + std::to_string(height) + "×"
                + std::to_string(width) + " = " + std::to_string(pixels) + " pixels");
    return CocoRle {height, width, std::move(counts)};
}

Error negativeRun(std::size_t index, std::int64_t value, const std::string& key)
{
    return Error(ErrorCode::InvalidData, "the RLE has a negative run")
        .withKey(key)
        .withDetail("run " + std::to_string(index) + " is " + std::to_string(value));
}

} // namespace

Result<CocoRle> parseCocoRleString(std::string_view text, int height, int width, const std::string& key)
{
    if (auto size = checkSize(height, width, key); !size)
        return size.error();
    // A 32-bit count needs at most 7 chunks of 5 bits; more is garbage, and would overflow the shift.
    constexpr int maxChunks = 7;
    std::vector<std::uint32_t> counts;
    counts.reserve(text.size());
    std::size_t position = 0;
    while (position < text.size()) {
        std::int64_t value = 0;
        int chunk = 0;
        bool more = true;
        while (more) {
            if (position >= text.size())
                return Error(ErrorCode::InvalidData, "the RLE string ends inside a count")
                    .withKey(key)
                    .withDetail("count " + std::to_string(counts.size()) + " is unfinished at character "
                        + std::to_string(position));
            const int code = static_cast<unsigned char>(text[position]) - 48;
            if (code < 0 || code > 63)
                return Error(ErrorCode::InvalidData, "the RLE string has a character outside '0'..'o'")
                    .withKey(key)
                    .withDetail("character " + std::to_string(position) + " is byte "
                        + std::to_string(static_cast<unsigned char>(text[position])));
            if (chunk >= maxChunks)
                return Error(ErrorCode::InvalidData, "the RLE string has a count too large for 32 bits")
                    .withKey(key)
                    .withDetail("count " + std::to_string(counts.size()) + " at character " + std::to_string(position));
            value |= static_cast<std::int64_t>(code & 0x1f) << (5 * chunk);
            more = (code & 0x20) != 0;
            ++position;
            ++chunk;
            if (!more && (code & 0x10) != 0)
                value |= static_cast<std::int64_t>(-1) * (static_cast<std::int64_t>(1) << (5 * chunk)); // sign-extend
        }
        if (counts.size() > 2)
            value += static_cast<std::int64_t>(counts[counts.size() - 2]);
        if (value < 0)
            return negativeRun(counts.size(), value, key);
        if (value > std::numeric_limits<std::uint32_t>::max())
            return Error(ErrorCode::InvalidData, "the RLE string has a count too large for 32 bits")
                .withKey(key)
                .withDetail("count " + std::to_string(counts.size()) + " is " + std::to_string(value));
        counts.push_back(static_cast<std::uint32_t>(value));
    }
    return finish(std::move(counts), height, width, key);
}

Result<CocoRle> cocoRleFromCounts(
    const std::vector<std::int64_t>& values, int height, int width, const std::string& key)
{
    if (auto size = checkSize(height, width, key); !size)
        return size.error();
    std::vector<std::uint32_t> counts;
    counts.reserve(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (values[i] < 0)
            return negativeRun(i, values[i], key);
        if (values[i] > std::numeric_limits<std::uint32_t>::max())
            return Error(ErrorCode::InvalidData, "the RLE has a count too large for 32 bits")
                .withKey(key)
                .withDetail("run " + std::to_string(i) + " is " + std::to_string(values[i]));
        counts.push_back(static_cast<std::uint32_t>(values[i]));
    }
    return finish(std::move(counts), height, width, key);
}

BinaryMask decodeCocoRle(const CocoRle& rle)
{
    BinaryMask mask;
    mask.height = rle.height;
    mask.width = rle.width;
    const std::size_t height = static_cast<std::size_t>(rle.height);
    const std::size_t width = static_cast<std::size_t>(rle.width);
    mask.pixels.assign(height * width, 0);
    std::size_t index = 0; // column-major position
    for (std::size_t run = 0; run < rle.counts.size(); ++run) {
        const std::size_t end = std::min(index + rle.counts[run], height * width);
        if (run % 2 == 1) {
            for (std::size_t i = index; i < end; ++i)
                mask.pixels[(i % height) * width + i / height] = 1;
        }
        index = end;
    }
    return mask;
}

std::uint64_t cocoRleArea(const CocoRle& rle)
{
    std::uint64_t area = 0;
    for (std::size_t run = 1; run < rle.counts.size(); run += 2)
        area += rle.counts[run];
    return area;
}

std::array<double, 4> cocoRleBbox(const CocoRle& rle)
{
    // maskApi.c rleToBbox, with its unsigned 32-bit arithmetic, so boxes match pycocotools exactly.
    const auto height = static_cast<std::uint32_t>(rle.height);
    const auto width = static_cast<std::uint32_t>(rle.width);
    const std::size_t runs = (rle.counts.size() / 2) * 2;
    if (runs == 0)
        return {0.0, 0.0, 0.0, 0.0};
    std::uint32_t xs = width, ys = height, xe = 0, ye = 0, cc = 0, xp = 0;
    for (std::size_t j = 0; j < runs; ++j) {
        cc += rle.counts[j];
        const std::uint32_t t = cc - static_cast<std::uint32_t>(j % 2);
        const std::uint32_t y = t % height;
        const std::uint32_t x = (t - y) / height;
        if (j % 2 == 0) {
            xp = x;
        } else if (xp < x) {
            ys = 0;
            ye = height - 1;
        }
        xs = std::min(xs, x);
        xe = std::max(xe, x);
        ys = std::min(ys, y);
        ye = std::max(ye, y);
    }
    return {static_cast<double>(xs), static_cast<double>(ys), static_cast<double>(xe - xs + 1),
        static_cast<double>(ye - ys + 1)};
}

} // namespace refermap::engine
