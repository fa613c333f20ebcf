#pragma once

#include "common/result.h"

#include <filesystem>
#include <string_view>

namespace refermap {

// Writes a file so that readers only ever see the old content or the complete new content: the
// data goes to a temporary file in the same folder (so the rename cannot cross file systems), and
// commit() flushes it to disk and renames it over the target. Destroying an uncommitted writer
// (failure, exception, cancel) removes the temporary file; the target is never touched.
//
// Two ways to write: append() for bytes, or hand temporaryPath() to a library that writes by path
// (GDAL, OGR, SQLite) and then commit(). Not thread-safe; one owner.
class AtomicFile {
public:
    // Creates the temporary file next to `target`. Fails when the folder does not exist or is not
    // writable, or when `target` is an existing folder.
    static Result<AtomicFile> create(const std::filesystem::path& target);

    AtomicFile(AtomicFile&& other) noexcept;
    AtomicFile& operator=(AtomicFile&& other) noexcept;
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;
    ~AtomicFile();

    const std::filesystem::path& targetPath() const { return target_; }
    const std::filesystem::path& temporaryPath() const { return temporary_; }

    Result<void> append(std::string_view bytes);

    // fsync + rename over the target (+ fsync of the folder). After success the writer is spent.
    Result<void> commit();
    // Removes the temporary file now; also what the destructor does when commit() was not called.
    void discard() noexcept;

    bool committed() const { return committed_; }

private:
    AtomicFile(std::filesystem::path target, std::filesystem::path temporary, int descriptor);
    void closeDescriptor() noexcept;

    std::filesystem::path target_;
    std::filesystem::path temporary_;
    int descriptor_ = -1;
    bool committed_ = false;
};

// Convenience: the whole content in one call.
Result<void> writeFileAtomically(const std::filesystem::path& target, std::string_view bytes);

} // namespace refermap
