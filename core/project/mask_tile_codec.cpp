#include "project/mask_tile_codec.h"

#include <cpl_conv.h>
#include <cpl_vsi.h>

#include <memory>
#include <string>

namespace refermap::project {

namespace {

struct VsiFree {
    void operator()(void* pointer) const noexcept { VSIFree(pointer); }
};

} // namespace

Result<std::vector<std::uint8_t>> MaskTileCodec::compress(const std::vector<std::uint8_t>& bytes)
{
    std::size_t compressedSize = 0;
    // With no output buffer GDAL allocates one of the right size (freed with VSIFree).
    std::unique_ptr<void, VsiFree> compressed(
        CPLZLibDeflate(bytes.data(), bytes.size(), 6, nullptr, 0, &compressedSize));
    if (!compressed)
        return Error(ErrorCode::Internal, "cannot compress a mask tile")
            .withDetail(std::to_string(bytes.size()) + " bytes");
    const auto* begin = static_cast<const std::uint8_t*>(compressed.get());
    return std::vector<std::uint8_t>(begin, begin + compressedSize);
}

Result<std::vector<std::uint8_t>> MaskTileCodec::decompress(
    const std::uint8_t* compressed, std::size_t compressedSize, std::size_t rawSize)
{
    if (!compressed || compressedSize == 0)
        return Error(ErrorCode::InvalidData, "empty compressed mask tile");
    // One spare byte: a stream that inflates to more than rawSize fills it and is caught below.
    std::vector<std::uint8_t> raw(rawSize + 1);
    std::size_t inflated = 0;
    if (!CPLZLibInflate(compressed, compressedSize, raw.data(), raw.size(), &inflated))
        return Error(ErrorCode::InvalidData, "corrupt compressed mask tile (does not inflate)")
            .withDetail(std::to_string(compressedSize) + " compressed bytes, expected " + std::to_string(rawSize));
    if (inflated != rawSize)
        return Error(ErrorCode::InvalidData, "corrupt compressed mask tile (wrong size)")
            .withDetail("inflates to " + std::to_string(inflated) + " bytes, expected " + std::to_string(rawSize));
    raw.resize(rawSize);
    return raw;
}

} // namespace refermap::project
