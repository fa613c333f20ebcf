#include "model/safetensors.h"

#include "common/atomic_file.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <limits>
#include <optional>
#include <set>
#include <sys/mman.h>
#include <sys/stat.h>
#include <tuple>
#include <unistd.h>
#include <utility>

// No libtorch here: this file is also compiled on its own into the safetensors fuzzer.

namespace refermap::model {

namespace {

// The reference implementation's limit on the JSON header (huggingface/safetensors, MAX_HEADER_SIZE).
constexpr std::uint64_t maxHeaderBytes = 100'000'000;
// A valid header nests three levels (object > entry > shape array); anything far deeper is an attack.
constexpr std::size_t maxJsonDepth = 32;
constexpr const char* metadataKey = "__metadata__";
constexpr const char* shortFileMessage = "not a safetensors file: shorter than its 8-byte header length";

Error invalid(const std::string& origin, const std::string& what)
{
    return Error(ErrorCode::InvalidData, what).withFile(origin);
}

Error invalidKey(const std::string& origin, const std::string& key, const std::string& what)
{
    return Error(ErrorCode::InvalidData, what).withFile(origin).withKey(key);
}

std::optional<TensorDtype> parseDtype(const std::string& name)
{
    static const std::pair<const char*, TensorDtype> known[] = {
        {"F32", TensorDtype::F32},
        {"F16", TensorDtype::F16},
        {"BF16", TensorDtype::BF16},
        {"I64", TensorDtype::I64},
        {"I32", TensorDtype::I32},
        {"U8", TensorDtype::U8},
        {"BOOL", TensorDtype::Bool},
    };
    for (const auto& [text, dtype] : known) {
        if (name == text)
            return dtype;
    }
    return std::nullopt;
}

// Element count of `shape` times `elementSize`, or nullopt when it does not fit in 64 bits.
std::optional<std::uint64_t> checkedByteCount(const std::vector<std::int64_t>& shape, std::size_t elementSize)
{
    std::uint64_t count = 1;
    for (const std::int64_t dimension : shape) {
        if (dimension < 0)
            return std::nullopt;
        const auto extent = static_cast<std::uint64_t>(dimension);
        if (extent != 0 && count > std::numeric_limits<std::uint64_t>::max() / extent)
            return std::nullopt;
        count *= extent;
    }
    if (count > std::numeric_limits<std::uint64_t>::max() / elementSize)
        return std::nullopt;
    return count * elementSize;
}

std::string shapeText(const std::vector<std::int64_t>& shape)
{
    std::string text = "[";
    for (std::size_t i = 0; i < shape.size(); ++i)
        text += (i ? ", " : "") + std::to_string(shape[i]);
    return text + "]";
}

// A non-negative JSON integer that fits in `limit`, else nullopt (negative, fractional, too large).
std::optional<std::uint64_t> nonNegativeInteger(const nlohmann::json& value, std::uint64_t limit)
{
    if (value.is_number_unsigned()) {
        const auto number = value.get<std::uint64_t>();
        if (number <= limit)
            return number;
        return std::nullopt;
    }
    if (value.is_number_integer()) {
        const auto number = value.get<std::int64_t>();
        if (number >= 0 && static_cast<std::uint64_t>(number) <= limit)
            return static_cast<std::uint64_t>(number);
    }
    return std::nullopt;
}

// Parses the header, refusing duplicate keys in any object (the JSON library would silently keep
// the last one) and absurd nesting.
nlohmann::json parseHeader(const char* begin, const char* end, const std::string& origin)
{
    std::vector<std::set<std::string>> openObjects;
    const nlohmann::json::parser_callback_t checkKeys
        = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
              using Event = nlohmann::json::parse_event_t;
              if (depth >= 0 && static_cast<std::size_t>(depth) > maxJsonDepth)
                  throw Exception(invalid(origin, "the safetensors header is nested too deeply"));
              switch (event) {
              case Event::object_start:
                  openObjects.emplace_back();
                  break;
              case Event::object_end:
                  if (!openObjects.empty())
                      openObjects.pop_back();
                  break;
              case Event::key:
                  if (!openObjects.empty() && parsed.is_string()) {
                      const auto& key = parsed.get_ref<const std::string&>();
                      if (!openObjects.back().insert(key).second)
                          throw Exception(invalidKey(origin, key, "the safetensors header repeats a key"));
                  }
                  break;
              default:
                  break;
              }
              return true;
          };
    try {
        return nlohmann::json::parse(begin, end, checkKeys);
    } catch (const nlohmann::json::exception& e) {
        throw Exception(invalid(origin, "the safetensors header is not valid JSON").withDetail(e.what()));
    }
}

} // namespace

const char* dtypeName(TensorDtype dtype)
{
    switch (dtype) {
    case TensorDtype::F32:
        return "F32";
    case TensorDtype::F16:
        return "F16";
    case TensorDtype::BF16:
        return "BF16";
    case TensorDtype::I64:
        return "I64";
    case TensorDtype::I32:
        return "I32";
    case TensorDtype::U8:
        return "U8";
    case TensorDtype::Bool:
        return "BOOL";
    }
    return "?";
}

std::size_t dtypeSize(TensorDtype dtype)
{
    switch (dtype) {
    case TensorDtype::F32:
        return 4;
    case TensorDtype::F16:
        return 2;
    case TensorDtype::BF16:
        return 2;
    case TensorDtype::I64:
        return 8;
    case TensorDtype::I32:
        return 4;
    case TensorDtype::U8:
        return 1;
    case TensorDtype::Bool:
        return 1;
    }
    return 1;
}

struct SafetensorsFile::Storage {
    std::string origin;
    std::vector<std::uint8_t> owned; // fromBytes()
    void* mapping = nullptr; // open(): the read-only mapping of the whole file
    std::size_t mappingSize = 0;
    const std::uint8_t* dataSection = nullptr;
    std::map<std::string, TensorEntry> tensors;
    std::map<std::string, std::string> metadata;

    Storage() = default;
    Storage(const Storage&) = delete;
    Storage& operator=(const Storage&) = delete;
    ~Storage()
    {
        if (mapping)
            ::munmap(mapping, mappingSize);
    }

    // Validates the whole file in [bytes, bytes + size) and fills tensors, metadata and dataSection.
    // Throws refermap::Exception. Allocates only in proportion to the header, never to a tensor.
    void parse(const std::uint8_t* bytes, std::size_t size);
    void parseEntry(const std::string& name, const nlohmann::json& value, std::uint64_t dataSize);
    void parseMetadata(const nlohmann::json& value);
    void checkCoverage(std::uint64_t dataSize) const;
};

void SafetensorsFile::Storage::parse(const std::uint8_t* bytes, std::size_t size)
{
    if (size < 8)
        throw Exception(invalid(origin, shortFileMessage));
    std::uint64_t headerLength = 0;
    for (int i = 7; i >= 0; --i)
        headerLength = (headerLength << 8) | bytes[i];
    if (headerLength > maxHeaderBytes) {
        throw Exception(invalid(origin,
            "the safetensors header length " + std::to_string(headerLength) + " exceeds the limit of "
                + std::to_string(maxHeaderBytes) + " bytes"));
    }
    if (headerLength > size - 8) {
        throw Exception(invalid(origin,
            "the safetensors header length " + std::to_string(headerLength) + " runs past the end of the file ("
                + std::to_string(size) + " bytes): truncated or not a safetensors file"));
    }
    const auto* headerBegin = reinterpret_cast<const char*>(bytes + 8);
    const nlohmann::json header = parseHeader(headerBegin, headerBegin + headerLength, origin);
    if (!header.is_object())
        throw Exception(invalid(origin, "the safetensors header is not a JSON object"));

    const std::uint64_t dataSize = size - 8 - headerLength;
    dataSection = bytes + 8 + headerLength;
    for (const auto& [name, value] : header.items()) {
        if (name == metadataKey)
            parseMetadata(value);
        else
            parseEntry(name, value, dataSize);
    }
    checkCoverage(dataSize);
}

void SafetensorsFile::Storage::parseEntry(const std::string& name, const nlohmann::json& value, std::uint64_t dataSize)
{
    if (!value.is_object())
        throw Exception(invalidKey(origin, name, "a tensor entry is not a JSON object"));
    const auto dtypeField = value.find("dtype");
    const auto shapeField = value.find("shape");
    const auto offsetsField = value.find("data_offsets");
    if (dtypeField == value.end() || shapeField == value.end() || offsetsField == value.end())
        throw Exception(invalidKey(origin, name, "a tensor entry lacks one of dtype, shape, data_offsets"));

    if (!dtypeField->is_string())
        throw Exception(invalidKey(origin, name, "the tensor's dtype is not a string"));
    const auto& dtypeText = dtypeField->get_ref<const std::string&>();
    const auto dtype = parseDtype(dtypeText);
    if (!dtype) {
        throw Exception(Error(ErrorCode::Unsupported,
            "unsupported tensor dtype '" + dtypeText + "' (supported: F32, F16, BF16, I64, I32, U8, BOOL)")
                            .withFile(origin)
                            .withKey(name));
    }

    if (!shapeField->is_array())
        throw Exception(invalidKey(origin, name, "the tensor's shape is not an array"));
    TensorEntry entry;
    entry.dtype = *dtype;
    entry.shape.reserve(shapeField->size());
    for (const auto& dimension : *shapeField) {
        const auto extent
            = nonNegativeInteger(dimension, static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()));
        if (!extent)
            throw Exception(
                invalidKey(origin, name, "the tensor's shape holds something other than a non-negative integer"));
        entry.shape.push_back(static_cast<std::int64_t>(*extent));
    }
    const auto byteCount = checkedByteCount(entry.shape, dtypeSize(entry.dtype));
    if (!byteCount) {
        throw Exception(
            invalidKey(origin, name, "the tensor's shape " + shapeText(entry.shape) + " overflows 64-bit byte counts"));
    }

    if (!offsetsField->is_array() || offsetsField->size() != 2)
        throw Exception(invalidKey(origin, name, "the tensor's data_offsets is not a pair [begin, end]"));
    const auto begin = nonNegativeInteger((*offsetsField)[0], std::numeric_limits<std::uint64_t>::max());
    const auto end = nonNegativeInteger((*offsetsField)[1], std::numeric_limits<std::uint64_t>::max());
    if (!begin || !end)
        throw Exception(invalidKey(origin, name, "the tensor's data_offsets are not non-negative integers"));
    if (*begin > *end) {
        throw Exception(invalidKey(origin, name,
            "the tensor's data_offsets begin " + std::to_string(*begin) + " lies after its end "
                + std::to_string(*end)));
    }
    if (*end > dataSize) {
        throw Exception(invalidKey(origin, name,
            "the tensor's data ends at byte " + std::to_string(*end) + " but the data section holds only "
                + std::to_string(dataSize) + " bytes (truncated file?)"));
    }
    if (*end - *begin != *byteCount) {
        throw Exception(invalidKey(origin, name,
            "the tensor holds " + std::to_string(*end - *begin) + " bytes but its shape " + shapeText(entry.shape)
                + " of " + dtypeName(entry.dtype) + " needs " + std::to_string(*byteCount)));
    }
    entry.begin = *begin;
    entry.end = *end;
    tensors.emplace(name, std::move(entry));
}

void SafetensorsFile::Storage::parseMetadata(const nlohmann::json& value)
{
    if (!value.is_object())
        throw Exception(invalidKey(origin, metadataKey, "the safetensors metadata is not a JSON object"));
    for (const auto& [key, text] : value.items()) {
        if (!text.is_string())
            throw Exception(invalidKey(origin, key, "a metadata value is not a string"));
        metadata.emplace(key, text.get<std::string>());
    }
}

// As the reference implementation requires: the tensors, sorted by offset, tile the data section
// exactly, without overlaps and without gaps.
void SafetensorsFile::Storage::checkCoverage(std::uint64_t dataSize) const
{
    std::vector<std::pair<const TensorEntry*, const std::string*>> order;
    order.reserve(tensors.size());
    for (const auto& [name, entry] : tensors)
        order.emplace_back(&entry, &name);
    std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
        return std::tie(a.first->begin, a.first->end, *a.second) < std::tie(b.first->begin, b.first->end, *b.second);
    });
    std::uint64_t covered = 0;
    const std::string* previous = nullptr;
    for (const auto& [entry, name] : order) {
        if (entry->begin < covered) {
            throw Exception(
                invalidKey(origin, *name, "the tensor's data overlaps that of '" + (previous ? *previous : "") + "'"));
        }
        if (entry->begin > covered) {
            throw Exception(invalidKey(origin, *name,
                "a gap of " + std::to_string(entry->begin - covered) + " bytes precedes the tensor's data (at byte "
                    + std::to_string(covered) + ")"));
        }
        covered = entry->end;
        previous = name;
    }
    if (covered != dataSize) {
        throw Exception(invalid(origin,
            "the data section holds " + std::to_string(dataSize - covered)
                + " bytes after the last tensor that no tensor claims"));
    }
}

SafetensorsFile::SafetensorsFile(std::unique_ptr<Storage> storage)
    : storage_(std::move(storage))
{ }

SafetensorsFile::SafetensorsFile(SafetensorsFile&&) noexcept = default;
SafetensorsFile& SafetensorsFile::operator=(SafetensorsFile&&) noexcept = default;
SafetensorsFile::~SafetensorsFile() = default;

Result<SafetensorsFile> SafetensorsFile::open(const std::filesystem::path& path)
{
    return captureErrors([&]() -> SafetensorsFile {
        auto storage = std::make_unique<Storage>();
        storage->origin = path.string();
        const int descriptor = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (descriptor < 0) {
            const int err = errno;
            const ErrorCode code = err == ENOENT || err == ENOTDIR ? ErrorCode::NotFound
                : err == EACCES || err == EPERM                    ? ErrorCode::PermissionDenied
                                                                   : ErrorCode::Io;
            throw Exception(
                Error(code, "cannot open the weights file").withFile(storage->origin).withDetail(std::strerror(err)));
        }
        struct stat info { };
        if (::fstat(descriptor, &info) != 0 || !S_ISREG(info.st_mode)) {
            ::close(descriptor);
            throw Exception(
                Error(ErrorCode::InvalidArgument, "the weights path is not a regular file").withFile(storage->origin));
        }
        const auto size = static_cast<std::size_t>(info.st_size);
        if (size < 8) {
            ::close(descriptor);
            throw Exception(invalid(storage->origin, shortFileMessage));
        }
        void* mapping = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, descriptor, 0);
        const int mapErr = errno;
        ::close(descriptor); // the mapping keeps the file alive
        if (mapping == MAP_FAILED) {
            throw Exception(Error(ErrorCode::Io, "cannot memory-map the weights file")
                                .withFile(storage->origin)
                                .withDetail(std::strerror(mapErr)));
        }
        storage->mapping = mapping;
        storage->mappingSize = size;
        storage->parse(static_cast<const std::uint8_t*>(mapping), size);
        return SafetensorsFile(std::move(storage));
    });
}

Result<SafetensorsFile> SafetensorsFile::fromBytes(std::vector<std::uint8_t> bytes, const std::string& origin)
{
    return captureErrors([&]() -> SafetensorsFile {
        auto storage = std::make_unique<Storage>();
        storage->origin = origin;
        storage->owned = std::move(bytes);
        storage->parse(storage->owned.data(), storage->owned.size());
        return SafetensorsFile(std::move(storage));
    });
}

const std::map<std::string, TensorEntry>& SafetensorsFile::tensors() const
{
    return storage_->tensors;
}

const std::map<std::string, std::string>& SafetensorsFile::metadata() const
{
    return storage_->metadata;
}

Result<const std::uint8_t*> SafetensorsFile::data(const std::string& name) const
{
    const auto found = storage_->tensors.find(name);
    if (found == storage_->tensors.end())
        return Error(ErrorCode::NotFound, "no such tensor in the weights file")
            .withFile(storage_->origin)
            .withKey(name);
    return storage_->dataSection + found->second.begin;
}

const std::string& SafetensorsFile::origin() const
{
    return storage_->origin;
}

Result<void> writeSafetensors(const std::filesystem::path& path, const std::map<std::string, TensorView>& tensors,
    const std::map<std::string, std::string>& metadata)
{
    const std::string origin = path.string();
    nlohmann::ordered_json header = nlohmann::ordered_json::object();
    if (!metadata.empty())
        header[metadataKey] = metadata;
    std::uint64_t offset = 0;
    for (const auto& [name, view] : tensors) {
        if (name.empty() || name == metadataKey) {
            return Error(ErrorCode::InvalidArgument, "a tensor may not be named '" + name + "'")
                .withFile(origin)
                .withKey(name);
        }
        const auto byteCount = checkedByteCount(view.shape, dtypeSize(view.dtype));
        if (!byteCount || *byteCount != view.bytes) {
            return Error(ErrorCode::InvalidArgument,
                "the tensor's byte count " + std::to_string(view.bytes) + " does not match its shape "
                    + shapeText(view.shape) + " of " + dtypeName(view.dtype))
                .withFile(origin)
                .withKey(name);
        }
        if (view.bytes > 0 && view.data == nullptr)
            return Error(ErrorCode::InvalidArgument, "the tensor has no data").withFile(origin).withKey(name);
        header[name] = {
            {"dtype", dtypeName(view.dtype)}, {"shape", view.shape}, {"data_offsets", {offset, offset + view.bytes}}};
        offset += view.bytes;
    }

    std::string headerText;
    try {
        headerText = header.dump();
    } catch (const nlohmann::json::exception& e) {
        return Error(ErrorCode::InvalidArgument, "a tensor name or metadata text is not valid UTF-8")
            .withFile(origin)
            .withDetail(e.what());
    }
    headerText.append((8 - headerText.size() % 8) % 8, ' ');
    std::string lengthBytes(8, '\0');
    for (int i = 0; i < 8; ++i)
        lengthBytes[static_cast<std::size_t>(i)] = static_cast<char>((headerText.size() >> (8 * i)) & 0xFF);

    auto file = AtomicFile::create(path);
    if (!file)
        return file.error();
    if (auto written = file->append(lengthBytes); !written)
        return written.error();
    if (auto written = file->append(headerText); !written)
        return written.error();
    for (const auto& [name, view] : tensors) {
        if (view.bytes == 0)
            continue;
        if (auto written = file->append({reinterpret_cast<const char*>(view.data), view.bytes}); !written)
            return written.error();
    }
    return file->commit();
}

} // namespace refermap::model
