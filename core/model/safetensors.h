#pragma once

#include "common/result.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace refermap::model {

enum class TensorDtype { F32, F16, BF16, I64, I32, U8, Bool };

const char* dtypeName(TensorDtype dtype);  // "F32", "F16", "BF16", "I64", "I32", "U8", "BOOL"
std::size_t dtypeSize(TensorDtype dtype);

// One tensor's entry in a safetensors header.
struct TensorEntry {
    TensorDtype dtype = TensorDtype::F32;
    std::vector<std::int64_t> shape;
    std::uint64_t begin = 0; // data_offsets, relative to the start of the data section
    std::uint64_t end = 0;
};

// A safetensors file opened read-only and memory-mapped (format: 8-byte little-endian header
// length, UTF-8 JSON header {name: {dtype, shape, data_offsets}, "__metadata__": {str: str}},
// then the raw little-endian data). open() validates everything before any tensor-sized
// allocation: header length within the file and at most 100 MB, valid JSON object, known dtypes,
// non-negative shapes whose element count times dtype size equals end - begin without overflow,
// offsets inside the data section, no two tensors overlapping, data section fully covered (no
// gaps), metadata values strings. Errors name the file and the offending key. Thread-safe reads.
class SafetensorsFile {
public:
    static Result<SafetensorsFile> open(const std::filesystem::path& path);
    // Same validation over bytes already in memory (used by the fuzzer and for embedded files).
    static Result<SafetensorsFile> fromBytes(std::vector<std::uint8_t> bytes, const std::string& origin);

    const std::map<std::string, TensorEntry>& tensors() const;
    const std::map<std::string, std::string>& metadata() const;
    // The raw little-endian bytes of one tensor (valid while this object lives).
    Result<const std::uint8_t*> data(const std::string& name) const;
    const std::string& origin() const;

    SafetensorsFile(SafetensorsFile&&) noexcept;
    SafetensorsFile& operator=(SafetensorsFile&&) noexcept;
    ~SafetensorsFile();

private:
    struct Storage;
    explicit SafetensorsFile(std::unique_ptr<Storage> storage);
    std::unique_ptr<Storage> storage_;
};

// A tensor to write: raw little-endian bytes (not owned) with dtype and shape.
struct TensorView {
    TensorDtype dtype = TensorDtype::F32;
    std::vector<std::int64_t> shape;
    const std::uint8_t* data = nullptr;
    std::size_t bytes = 0; // must equal element count * dtypeSize(dtype)
};

// Writes a safetensors file atomically (AtomicFile): tensors in name order, contiguous, header
// padded with spaces to a multiple of 8 bytes as the reference implementation does. Refuses
// names that are empty or "__metadata__" and views whose byte count does not match the shape.
Result<void> writeSafetensors(const std::filesystem::path& path, const std::map<std::string, TensorView>& tensors,
                              const std::map<std::string, std::string>& metadata);

} // namespace refermap::model
