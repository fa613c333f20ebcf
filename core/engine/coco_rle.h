#pragma once

#include "common/result.h"
#include "engine/referring_dataset.h"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace refermap::engine {

// A COCO run-length encoded binary mask (the `segmentation` of COCO-style annotations, e.g.
// RRSIS-D's instances.json). Runs alternate background/foreground starting with background and
// scan the mask COLUMN-major (down each column, then the next column), as pycocotools' maskApi.c.
// Invariants (checked by the constructors below): height, width > 0 and the runs cover exactly
// height × width pixels.
struct CocoRle {
    int height = 0;
    int width = 0;
    std::vector<std::uint32_t> counts;
};

// Parses the compressed string form (maskApi.c rleFrString): each count is a little-endian group
// of 5-bit chunks, one per character (character - 48); bit 0x20 says another chunk follows, bit
// 0x10 of the last chunk is the sign; from the fourth count on (index > 2) a count is stored as the
// difference to the count two places before. Errors (InvalidData, naming `key`): a character outside
// '0'..'o', a string that ends inside a count, a count too large for 32 bits, a negative run, runs
// that overrun or do not fill height × width; InvalidArgument for a non-positive size. Any thread.
Result<CocoRle> parseCocoRleString(std::string_view counts, int height, int width, const std::string& key);

// The uncompressed form (`counts` as a list of integers, pycocotools frUncompressedRLE); the same
// checks as parseCocoRleString. Any thread.
Result<CocoRle> cocoRleFromCounts(
    const std::vector<std::int64_t>& counts, int height, int width, const std::string& key);

// The mask ROW-major (transposed from COCO's column order), 1 on the foreground. Any thread.
BinaryMask decodeCocoRle(const CocoRle& rle);

// The number of foreground pixels (maskApi.c rleArea).
std::uint64_t cocoRleArea(const CocoRle& rle);

// The bounding box as [x, y, width, height] exactly as maskApi.c rleToBbox computes it (all zero
// for an empty mask; a foreground run that crosses a column boundary spans the full height).
std::array<double, 4> cocoRleBbox(const CocoRle& rle);

} // namespace refermap::engine
