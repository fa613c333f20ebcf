#pragma once

// The SHA-256 of a decoded mask, for the tests that compare masks with the hashes in
// data/rle/coco-rle-cases.json (common/sha256.h, checked against FIPS 180-4's vectors).

#include "common/sha256.h"

#include <cstdint>
#include <string>
#include <vector>

namespace refermap::testing {

inline std::string sha256Hex(const std::vector<std::uint8_t>& message)
{
    Sha256 hash;
    hash.update(message.data(), message.size());
    return hash.hex();
}

} // namespace refermap::testing
