// libFuzzer target: SafetensorsFile::fromBytes on arbitrary bytes. Any input must give either a
// clean error or a file whose every tensor lies inside the input; never a crash, a sanitizer
// report or an allocation in proportion to what the header claims. See docs/fuzzing.md.
#include "model/safetensors.h"

#include <cstddef>
#include <cstdint>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using refermap::model::SafetensorsFile;
    auto file = SafetensorsFile::fromBytes(std::vector<std::uint8_t>(data, data + size), "fuzz-input");
    if (!file) {
        if (file.error().message().empty() || file.error().file() != "fuzz-input")
            __builtin_trap(); // every error names its origin
        return 0;
    }
    // Touch the first and last byte of every tensor: AddressSanitizer reports any range outside the
    // owned buffer; the arithmetic below checks what the validation promised.
    volatile std::uint8_t sink = 0;
    std::uint64_t covered = 0;
    for (const auto& [name, entry] : file->tensors()) {
        if (entry.begin > entry.end || entry.end > size)
            __builtin_trap();
        covered += entry.end - entry.begin;
        auto bytes = file->data(name);
        if (!bytes)
            __builtin_trap();
        if (entry.end > entry.begin) {
            sink = sink + (*bytes)[0];
            sink = sink + (*bytes)[entry.end - entry.begin - 1];
        }
    }
    if (covered > size)
        __builtin_trap();
    for (const auto& [key, value] : file->metadata())
        sink = sink + static_cast<std::uint8_t>(key.size() + value.size());
    (void)sink;
    return 0;
}
