#pragma once

#include "common/result.h"

#include <cstdint>
#include <vector>

namespace refermap::project {

// The on-disk form of a mask tile: deflate (zlib stream, GDAL's CPLZLibDeflate) of the bytes.
// Masks are mostly runs of 0 and 255, so this shrinks them ~50-100x; random bytes grow slightly.
class MaskTileCodec {
public:
    static Result<std::vector<std::uint8_t>> compress(const std::vector<std::uint8_t>& bytes);
    // Inflates `compressed`, which must give exactly `rawSize` bytes; anything else (truncated,
    // damaged, too long) is InvalidData. The caller adds which layer/tile it was.
    static Result<std::vector<std::uint8_t>> decompress(
        const std::uint8_t* compressed, std::size_t compressedSize, std::size_t rawSize);
};

} // namespace refermap::project
