#include "model/safetensors.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace refermap::model {
namespace {

namespace fs = std::filesystem;

// A safetensors file assembled by hand: 8-byte little-endian length, header text, data bytes.
std::vector<std::uint8_t> assemble(const std::string& header, std::size_t dataBytes, std::uint64_t claimedLength)
{
    std::vector<std::uint8_t> bytes(8);
    for (int i = 0; i < 8; ++i)
        bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>((claimedLength >> (8 * i)) & 0xFF);
    bytes.insert(bytes.end(), header.begin(), header.end());
    for (std::size_t i = 0; i < dataBytes; ++i)
        bytes.push_back(static_cast<std::uint8_t>(i));
    return bytes;
}

std::vector<std::uint8_t> assemble(const std::string& header, std::size_t dataBytes)
{
    return assemble(header, dataBytes, header.size());
}

std::string readFile(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    return content.str();
}

class SafetensorsTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        folder_ = fs::temp_directory_path()
            / ("refermap-safetensors-" + std::to_string(::getpid()) + "-"
                + ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(folder_);
        fs::create_directories(folder_);
    }
    void TearDown() override { fs::remove_all(folder_); }

    fs::path folder_;
};

// One tensor of every dtype with distinctive bytes (NaN payloads, -0, subnormals survive as bits).
struct Sample {
    TensorDtype dtype;
    std::vector<std::int64_t> shape;
    std::vector<std::uint8_t> bytes;
};

std::map<std::string, Sample> everyDtype()
{
    auto pattern = [](std::size_t count, std::uint8_t seed) {
        std::vector<std::uint8_t> bytes(count);
        for (std::size_t i = 0; i < count; ++i)
            bytes[i] = static_cast<std::uint8_t>(seed + 37 * i);
        return bytes;
    };
    std::map<std::string, Sample> samples;
    samples["f32"] = {TensorDtype::F32, {2, 3}, pattern(24, 1)};
    samples["f16"] = {TensorDtype::F16, {5}, pattern(10, 2)};
    samples["bf16"] = {TensorDtype::BF16, {1, 1, 3}, pattern(6, 3)};
    samples["i64"] = {TensorDtype::I64, {2}, pattern(16, 4)};
    samples["i32"] = {TensorDtype::I32, {3, 1}, pattern(12, 5)};
    samples["u8"] = {TensorDtype::U8, {7}, pattern(7, 6)};
    samples["bool"] = {TensorDtype::Bool, {4}, {0, 1, 1, 0}};
    samples["scalar"] = {TensorDtype::F32, {}, pattern(4, 7)};
    samples["empty"] = {TensorDtype::F32, {0, 4}, {}};
    return samples;
}

std::map<std::string, TensorView> viewsOf(const std::map<std::string, Sample>& samples)
{
    std::map<std::string, TensorView> views;
    for (const auto& [name, sample] : samples)
        views[name] = {sample.dtype, sample.shape, sample.bytes.data(), sample.bytes.size()};
    return views;
}

TEST_F(SafetensorsTest, RoundTripIsBitExactForEveryDtype)
{
    const auto samples = everyDtype();
    const std::map<std::string, std::string> metadata {{"format", "pt"}, {"note", "ünïcode ✓"}, {"empty", ""}};
    const fs::path path = folder_ / "all.safetensors";
    ASSERT_TRUE(writeSafetensors(path, viewsOf(samples), metadata));

    auto file = SafetensorsFile::open(path);
    ASSERT_TRUE(file) << file.error().message();
    EXPECT_EQ(file->origin(), path.string());
    EXPECT_EQ(file->metadata(), metadata);
    ASSERT_EQ(file->tensors().size(), samples.size());
    for (const auto& [name, sample] : samples) {
        SCOPED_TRACE(name);
        const TensorEntry& entry = file->tensors().at(name);
        EXPECT_EQ(entry.dtype, sample.dtype);
        EXPECT_EQ(entry.shape, sample.shape);
        EXPECT_EQ(entry.end - entry.begin, sample.bytes.size());
        auto data = file->data(name);
        ASSERT_TRUE(data);
        EXPECT_EQ(std::vector<std::uint8_t>(*data, *data + sample.bytes.size()), sample.bytes);
    }
    auto absent = file->data("nope");
    ASSERT_FALSE(absent);
    EXPECT_EQ(absent.error().code(), ErrorCode::NotFound);
    EXPECT_EQ(absent.error().key(), "nope");
}

TEST_F(SafetensorsTest, FromBytesReadsWhatWasWritten)
{
    const auto samples = everyDtype();
    const fs::path path = folder_ / "all.safetensors";
    ASSERT_TRUE(writeSafetensors(path, viewsOf(samples), {}));
    const std::string content = readFile(path);
    auto file = SafetensorsFile::fromBytes(std::vector<std::uint8_t>(content.begin(), content.end()), "embedded");
    ASSERT_TRUE(file) << file.error().message();
    EXPECT_EQ(file->origin(), "embedded");
    EXPECT_TRUE(file->metadata().empty());
    auto data = file->data("u8");
    ASSERT_TRUE(data);
    EXPECT_EQ(std::vector<std::uint8_t>(*data, *data + 7), samples.at("u8").bytes);
}

TEST_F(SafetensorsTest, WritingTwiceGivesIdenticalBytes)
{
    const auto samples = everyDtype();
    const std::map<std::string, std::string> metadata {{"b", "2"}, {"a", "1"}};
    ASSERT_TRUE(writeSafetensors(folder_ / "one.safetensors", viewsOf(samples), metadata));
    ASSERT_TRUE(writeSafetensors(folder_ / "two.safetensors", viewsOf(samples), metadata));
    EXPECT_EQ(readFile(folder_ / "one.safetensors"), readFile(folder_ / "two.safetensors"));
}

TEST_F(SafetensorsTest, LayoutFollowsTheReferenceImplementation)
{
    const float one = 1.0f;
    const std::map<std::string, TensorView> views {
        {"b", {TensorDtype::F32, {1}, reinterpret_cast<const std::uint8_t*>(&one), 4}},
        {"a", {TensorDtype::U8, {2}, reinterpret_cast<const std::uint8_t*>("xy"), 2}},
    };
    const fs::path path = folder_ / "layout.safetensors";
    ASSERT_TRUE(writeSafetensors(path, views, {{"format", "pt"}}));
    const std::string content = readFile(path);
    const std::string json = R"({"__metadata__":{"format":"pt"},"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},)"
                             R"("b":{"dtype":"F32","shape":[1],"data_offsets":[2,6]}})";
    const std::size_t padded = (json.size() + 7) / 8 * 8;
    ASSERT_EQ(content.size(), 8 + padded + 6);
    std::uint64_t length = 0;
    for (int i = 7; i >= 0; --i)
        length = (length << 8) | static_cast<std::uint8_t>(content[static_cast<std::size_t>(i)]);
    EXPECT_EQ(length, padded);
    EXPECT_EQ(content.substr(8, json.size()), json);
    EXPECT_EQ(content.substr(8 + json.size(), padded - json.size()), std::string(padded - json.size(), ' '));
    EXPECT_EQ(content.substr(8 + padded, 2), "xy") << "data in name order";
    EXPECT_EQ(std::memcmp(content.data() + 8 + padded + 2, &one, 4), 0);
}

TEST_F(SafetensorsTest, WriterRefusesBadNamesAndSizes)
{
    const std::uint8_t bytes[8] = {};
    const fs::path path = folder_ / "bad.safetensors";
    for (const std::string& name : {std::string(), std::string("__metadata__")}) {
        auto written = writeSafetensors(path, {{name, {TensorDtype::U8, {1}, bytes, 1}}}, {});
        ASSERT_FALSE(written);
        EXPECT_EQ(written.error().code(), ErrorCode::InvalidArgument);
    }
    auto mismatched = writeSafetensors(path, {{"w", {TensorDtype::F32, {3}, bytes, 8}}}, {});
    ASSERT_FALSE(mismatched);
    EXPECT_EQ(mismatched.error().key(), "w");
    EXPECT_NE(mismatched.error().message().find(path.string()), std::string::npos);
    auto negative = writeSafetensors(path, {{"w", {TensorDtype::U8, {-1}, bytes, 0}}}, {});
    EXPECT_FALSE(negative);
    auto invalidUtf8 = writeSafetensors(path, {{"w\xff", {TensorDtype::U8, {1}, bytes, 1}}}, {});
    EXPECT_FALSE(invalidUtf8);
    EXPECT_FALSE(fs::exists(path)) << "a refused write leaves nothing behind";
    EXPECT_EQ(std::distance(fs::directory_iterator(folder_), fs::directory_iterator()), 0);
}

// ---- corrupt files: every case refused with the file (and key) named ---------------------------

struct CorruptCase {
    const char* label;
    std::vector<std::uint8_t> bytes;
    std::string key; // empty when no key applies
    std::string words;
};

std::vector<CorruptCase> corruptCases()
{
    const std::string f32x2 = R"({"dtype":"F32","shape":[2],"data_offsets":)";
    return {
        {"shorter than 8 bytes", {1, 2, 3}, "", "8-byte"},
        {"empty", {}, "", "8-byte"},
        {"header length past the end", assemble("{}", 0, 100), "", "past the end"},
        {"header length 2^63", assemble("{}", 0, std::uint64_t(1) << 63), "", "exceeds the limit"},
        {"header length just over 100 MB", assemble("{}", 0, 100'000'001), "", "exceeds the limit"},
        {"not JSON", assemble("{not json", 0), "", "not valid JSON"},
        {"truncated JSON", assemble(R"({"w":{"dtype":"F32")", 0), "", "not valid JSON"},
        {"invalid UTF-8 in JSON", assemble("{\"w\xff\":1}", 0), "", "not valid JSON"},
        {"JSON array", assemble("[1,2]", 0), "", "not a JSON object"},
        {"JSON string", assemble(R"("hello")", 0), "", "not a JSON object"},
        {"entry not an object", assemble(R"({"w":[1]})", 0), "w", "not a JSON object"},
        {"missing dtype", assemble(R"({"w":{"shape":[1],"data_offsets":[0,4]}})", 4), "w", "lacks"},
        {"missing data_offsets", assemble(R"({"w":{"dtype":"F32","shape":[1]}})", 4), "w", "lacks"},
        {"unknown dtype", assemble(R"({"w":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}})", 8), "w", "F64"},
        {"dtype not a string", assemble(R"({"w":{"dtype":4,"shape":[1],"data_offsets":[0,4]}})", 4), "w", "dtype"},
        {"negative shape", assemble(R"({"w":{"dtype":"U8","shape":[-1],"data_offsets":[0,0]}})", 0), "w",
            "non-negative"},
        {"fractional shape", assemble(R"({"w":{"dtype":"U8","shape":[1.5],"data_offsets":[0,1]}})", 1), "w",
            "non-negative"},
        {"shape beyond int64",
            assemble(R"({"w":{"dtype":"U8","shape":[9223372036854775808],"data_offsets":[0,0]}})", 0), "w",
            "non-negative"},
        {"shape not an array", assemble(R"({"w":{"dtype":"U8","shape":3,"data_offsets":[0,3]}})", 3), "w", "array"},
        {"shape overflow",
            assemble(R"({"w":{"dtype":"F32","shape":[4294967296,4294967296,16],"data_offsets":[0,0]}})", 0), "w",
            "overflow"},
        {"byte count overflow",
            assemble(R"({"w":{"dtype":"I64","shape":[4611686018427387904],"data_offsets":[0,0]}})", 0), "w",
            "overflow"},
        {"offsets out of range", assemble(R"({"w":)" + f32x2 + "[0,1000]}}", 8), "w", "data section"},
        {"begin after end", assemble(R"({"w":)" + f32x2 + "[8,0]}}", 8), "w", "after its end"},
        {"offsets not a pair", assemble(R"({"w":)" + f32x2 + "[0,4,8]}}", 8), "w", "pair"},
        {"negative offset", assemble(R"({"w":)" + f32x2 + "[-8,0]}}", 8), "w", "non-negative"},
        {"byte count differs from shape", assemble(R"({"w":)" + f32x2 + "[0,4]}}", 4), "w", "needs 8"},
        {"overlapping tensors", assemble(R"({"a":)" + f32x2 + R"([0,8]},"b":)" + f32x2 + "[4,12]}}", 12), "b",
            "overlaps"},
        {"identical offsets", assemble(R"({"a":)" + f32x2 + R"([0,8]},"b":)" + f32x2 + "[0,8]}}", 8), "b", "overlaps"},
        {"gap in the data", assemble(R"({"a":)" + f32x2 + R"([0,8]},"b":)" + f32x2 + "[12,20]}}", 20), "b", "gap"},
        {"gap at the start", assemble(R"({"a":)" + f32x2 + "[4,12]}}", 12), "a", "gap"},
        {"trailing data", assemble(R"({"a":)" + f32x2 + "[0,8]}}", 16), "", "no tensor claims"},
        {"data without tensors", assemble("{}", 4), "", "no tensor claims"},
        {"truncated data", assemble(R"({"a":)" + f32x2 + R"([0,8]},"b":)" + f32x2 + "[8,16]}}", 11), "b", "truncated"},
        {"metadata value not a string", assemble(R"({"__metadata__":{"a":"x","n":1}})", 0), "n", "not a string"},
        {"metadata not an object", assemble(R"({"__metadata__":"x"})", 0), "__metadata__", "not a JSON object"},
        {"duplicate tensor key", assemble(R"({"a":)" + f32x2 + R"([0,8]},"a":)" + f32x2 + "[8,16]}}", 16), "a",
            "repeats"},
        {"duplicate metadata key", assemble(R"({"__metadata__":{"k":"1","k":"2"}})", 0), "k", "repeats"},
        {"absurd nesting", assemble("{\"w\":" + std::string(200, '[') + std::string(200, ']') + "}", 0), "", "nested"},
    };
}

TEST_F(SafetensorsTest, CorruptBytesAreRefusedWithFileAndKey)
{
    for (const auto& corrupt : corruptCases()) {
        SCOPED_TRACE(corrupt.label);
        auto file = SafetensorsFile::fromBytes(corrupt.bytes, "corrupt.safetensors");
        ASSERT_FALSE(file);
        const Error& error = file.error();
        EXPECT_TRUE(error.code() == ErrorCode::InvalidData || error.code() == ErrorCode::Unsupported)
            << errorCodeName(error.code());
        EXPECT_EQ(error.file(), "corrupt.safetensors");
        const std::string message = error.message();
        EXPECT_NE(message.find("corrupt.safetensors"), std::string::npos) << message;
        EXPECT_NE(message.find(corrupt.words), std::string::npos) << message;
        if (!corrupt.key.empty()) {
            EXPECT_EQ(error.key(), corrupt.key) << message;
            EXPECT_NE(message.find("key '" + corrupt.key + "'"), std::string::npos) << message;
        }
    }
}

TEST_F(SafetensorsTest, CorruptFilesOnDiskAreRefusedWithTheirPath)
{
    int index = 0;
    for (const auto& corrupt : corruptCases()) {
        SCOPED_TRACE(corrupt.label);
        const fs::path path = folder_ / ("corrupt-" + std::to_string(index++) + ".safetensors");
        {
            std::ofstream out(path, std::ios::binary);
            out.write(reinterpret_cast<const char*>(corrupt.bytes.data()),
                static_cast<std::streamsize>(corrupt.bytes.size()));
        }
        auto file = SafetensorsFile::open(path);
        ASSERT_FALSE(file);
        EXPECT_EQ(file.error().file(), path.string());
        EXPECT_NE(file.error().message().find(corrupt.words), std::string::npos) << file.error().message();
    }
}

TEST_F(SafetensorsTest, UnknownDtypeIsUnsupportedNamingTheDtype)
{
    auto file = SafetensorsFile::fromBytes(
        assemble(R"({"w":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}})", 1), "f8.safetensors");
    ASSERT_FALSE(file);
    EXPECT_EQ(file.error().code(), ErrorCode::Unsupported);
    EXPECT_NE(file.error().message().find("F8_E4M3"), std::string::npos);
}

TEST_F(SafetensorsTest, TerabyteTensorIsRefusedQuicklyWithoutAllocating)
{
    // 2^18 x 2^20 x 4 bytes = 1 TiB claimed, 16 bytes present.
    const auto bytes
        = assemble(R"({"huge":{"dtype":"F32","shape":[262144,1048576],"data_offsets":[0,1099511627776]}})", 16);
    const auto start = std::chrono::steady_clock::now();
    auto file = SafetensorsFile::fromBytes(bytes, "huge.safetensors");
    const auto elapsed = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(file);
    EXPECT_EQ(file.error().key(), "huge");
    EXPECT_LT(elapsed, std::chrono::milliseconds(200));

    // The same claim through the file path, where a naive reader would allocate before mapping.
    const fs::path path = folder_ / "huge.safetensors";
    {
        std::ofstream out(path, std::ios::binary);
        out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    }
    const auto openStart = std::chrono::steady_clock::now();
    auto opened = SafetensorsFile::open(path);
    EXPECT_FALSE(opened);
    EXPECT_LT(std::chrono::steady_clock::now() - openStart, std::chrono::milliseconds(200));
}

TEST_F(SafetensorsTest, ValidEdgeCasesAreAccepted)
{
    // Zero-sized tensors may share an offset; keys may be any UTF-8; padding spaces are JSON whitespace.
    const std::string header = R"({"a":{"dtype":"U8","shape":[0],"data_offsets":[0,0]},)"
                               R"("b":{"dtype":"BOOL","shape":[0,3],"data_offsets":[0,0]},)"
                               R"("ü":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"__metadata__":{}}   )";
    auto file = SafetensorsFile::fromBytes(assemble(header, 2), "edge");
    ASSERT_TRUE(file) << file.error().message();
    EXPECT_EQ(file->tensors().size(), 3u);
    EXPECT_EQ(file->tensors().at("ü").shape, std::vector<std::int64_t> {2});

    auto empty = SafetensorsFile::fromBytes(assemble("{}", 0), "nothing");
    ASSERT_TRUE(empty) << empty.error().message();
    EXPECT_TRUE(empty->tensors().empty());
}

TEST_F(SafetensorsTest, OpenReportsMissingFilesAndFolders)
{
    auto missing = SafetensorsFile::open(folder_ / "absent.safetensors");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code(), ErrorCode::NotFound);
    EXPECT_EQ(missing.error().file(), (folder_ / "absent.safetensors").string());

    auto folder = SafetensorsFile::open(folder_);
    ASSERT_FALSE(folder);
    EXPECT_EQ(folder.error().file(), folder_.string());
}

TEST_F(SafetensorsTest, MovedFileKeepsItsMapping)
{
    const auto samples = everyDtype();
    const fs::path path = folder_ / "all.safetensors";
    ASSERT_TRUE(writeSafetensors(path, viewsOf(samples), {}));
    auto opened = SafetensorsFile::open(path);
    ASSERT_TRUE(opened);
    SafetensorsFile moved = std::move(*opened);
    SafetensorsFile assigned = std::move(moved);
    auto data = assigned.data("f32");
    ASSERT_TRUE(data);
    EXPECT_EQ(std::vector<std::uint8_t>(*data, *data + 24), samples.at("f32").bytes);
}

} // namespace
} // namespace refermap::model
