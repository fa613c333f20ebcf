#pragma once

#include "common/result.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

namespace refermap {

// SHA-256 (FIPS 180-4), for provenance: which model file a fine-tune started from, which edits its
// samples were taken from. Feed bytes in any pieces; hex() finishes (the object is then spent).
class Sha256 {
public:
    Sha256();
    void update(const void* data, std::size_t size);
    void update(const std::string& text) { update(text.data(), text.size()); }
    std::string hex(); // 64 lower-case hex digits

    // The hash of a whole file, read in blocks; errors name the file.
    static Result<std::string> ofFile(const std::filesystem::path& path);

private:
    void compress(const std::uint8_t* block);

    std::array<std::uint32_t, 8> state_;
    std::array<std::uint8_t, 64> buffer_{};
    std::size_t buffered_ = 0;
    std::uint64_t length_ = 0; // bytes fed so far
};

} // namespace refermap
