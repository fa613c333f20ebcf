#pragma once

#include <optional>
#include <stdexcept>
#include <string>

namespace refermap {

// What went wrong, in categories a caller can act on (the CLI maps them to exit codes).
enum class ErrorCode {
    InvalidArgument,  // a bad option, value or configuration given by the caller
    NotFound,         // a file, band, key or layer that does not exist
    PermissionDenied, // the file exists but cannot be read or written
    InvalidData,      // the input exists but is corrupt or not of the expected kind
    Unsupported,      // valid input this build cannot handle (data type, driver, device)
    Io,               // reading or writing failed part-way
    Cancelled,        // the user cancelled; not a failure of the input
    Internal,         // a bug or an unexpected failure of a library we call
};

const char* errorCodeName(ErrorCode code);

// An error with the context a user needs to fix it: what failed and on which file, band, key or
// tile. Context fields are optional; message() joins the ones that are set, e.g.
//   "cannot open raster: file '/data/a.tif': not a GeoTIFF (GDAL: ...)".
// A value: the with*() builders return a copy with the field set, so context can be added to an
// error received from below (`return result.error().withFile(path);`). Cheap to copy.
class Error {
public:
    Error(ErrorCode code, std::string what);

    [[nodiscard]] Error withFile(std::string file) const;
    [[nodiscard]] Error withBand(int band) const;
    [[nodiscard]] Error withKey(std::string key) const;
    [[nodiscard]] Error withTile(int column, int row) const;
    [[nodiscard]] Error withDetail(std::string detail) const; // the underlying library's words, e.g. GDAL's message

    ErrorCode code() const { return code_; }
    const std::string& what() const { return what_; }
    const std::optional<std::string>& file() const { return file_; }
    std::optional<int> band() const { return band_; }
    const std::optional<std::string>& key() const { return key_; }
    std::optional<std::pair<int, int>> tile() const { return tile_; }
    const std::optional<std::string>& detail() const { return detail_; }

    // The full sentence shown to users and written to logs.
    std::string message() const;

private:
    ErrorCode code_;
    std::string what_;
    std::optional<std::string> file_;
    std::optional<int> band_;
    std::optional<std::string> key_;
    std::optional<std::pair<int, int>> tile_;
    std::optional<std::string> detail_;
};

// Thrown inside a module and caught at its boundary, where it becomes a Result's error. Carries the
// Error so no context is lost on the way.
class Exception : public std::runtime_error {
public:
    explicit Exception(Error error);
    const Error& error() const noexcept { return error_; }

private:
    Error error_;
};

} // namespace refermap
