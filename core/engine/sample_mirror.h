#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace refermap::engine {

// A training augmentation for small sample sets (fine-tuning on a user's corrections): the image and
// its mask mirrored left–right and/or top–bottom, with the expression's direction words mirrored
// too, so that "the tank left of the building" still names the same object in the mirrored image
// ("the tank right of the building"). Both mirrors together are the half-turn rotation.
struct SampleMirror {
    bool horizontal = false; // left <-> right (east <-> west)
    bool vertical = false;   // top <-> bottom (north <-> south, above <-> below, upper <-> lower)

    bool any() const { return horizontal || vertical; }
    // 0..3: horizontal is bit 0, vertical bit 1 (how the trainer draws one).
    static SampleMirror fromBits(std::uint64_t bits) { return {(bits & 1u) != 0, (bits & 2u) != 0}; }

    // The sentence with each direction word swapped for its mirror image; other words, spacing and
    // punctuation unchanged, the capitalisation of a swapped word kept (Left -> Right, NORTH -> SOUTH).
    // Words are runs of ASCII letters, so "upper-left" and "left," are found.
    std::string apply(std::string_view sentence) const;
    // A (..., H, W) tensor (image channels or mask) mirrored along the last two dimensions.
    at::Tensor apply(const at::Tensor& tensor) const;
};

} // namespace refermap::engine
