#include "model/model_file.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <unistd.h>

namespace refermap::model {
namespace {

namespace fs = std::filesystem;

class ModelFileTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        folder_ = fs::temp_directory_path()
            / ("refermap-model-file-" + std::to_string(::getpid()) + "-"
                + ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(folder_);
        fs::create_directories(folder_);
        torch::manual_seed(7);
    }
    void TearDown() override { fs::remove_all(folder_); }

    static ModelFile sampleModel()
    {
        ModelFile model;
        model.tensors["swin.patch_embed.proj.weight"] = torch::randn({4, 3, 2, 2});
        model.tensors["bert.embeddings.word_embeddings.weight"] = torch::randn({6, 4}).to(torch::kFloat16);
        model.tensors["decoder.scale"] = torch::randn({}).to(torch::kFloat64);
        model.tensors["steps"] = torch::tensor({3, 1, 4}, torch::kInt64);
        model.tensors["flags"] = torch::tensor({true, false});
        model.tensors["transposed"] = torch::randn({3, 5}).t(); // not contiguous
        model.configJson = R"({"swin":{"window":12},"bert":{"hidden":768}})";
        model.vocabulary = "[PAD]\n[UNK]\nhello\n";
        model.provenance["trained_on"] = "RRSIS-D";
        return model;
    }

    // A safetensors file with the given metadata and one small tensor.
    fs::path plainFile(const std::string& name, const std::map<std::string, std::string>& metadata) const
    {
        static const float value = 1.0f;
        const fs::path path = folder_ / name;
        const std::map<std::string, TensorView> views {
            {"w", {TensorDtype::F32, {1}, reinterpret_cast<const std::uint8_t*>(&value), 4}}};
        EXPECT_TRUE(writeSafetensors(path, views, metadata));
        return path;
    }

    static std::map<std::string, std::string> validMetadata()
    {
        return {{"format", "refermap-model"}, {"format_version", "1"}, {"config", "{}"}, {"vocabulary", "a\nb\n"}};
    }

    fs::path folder_;
};

TEST_F(ModelFileTest, SaveLoadRoundTrip)
{
    const ModelFile model = sampleModel();
    const fs::path path = folder_ / "model.refermap";
    ASSERT_TRUE(saveModelFile(path, model));

    auto loaded = loadModelFile(path);
    ASSERT_TRUE(loaded) << loaded.error().message();
    EXPECT_EQ(loaded->configJson, model.configJson);
    EXPECT_EQ(loaded->vocabulary, model.vocabulary);
    EXPECT_EQ(loaded->provenance, model.provenance);
    ASSERT_EQ(loaded->tensors.size(), model.tensors.size());
    for (const auto& [name, original] : model.tensors) {
        SCOPED_TRACE(name);
        const torch::Tensor& restored = loaded->tensors.at(name);
        if (original.is_floating_point()) {
            EXPECT_EQ(restored.scalar_type(), torch::kFloat32);
            EXPECT_TRUE(torch::equal(restored, original.to(torch::kFloat32)));
        } else {
            EXPECT_EQ(restored.scalar_type(), original.scalar_type());
            EXPECT_TRUE(torch::equal(restored, original));
        }
    }
}

TEST_F(ModelFileTest, SavingTwiceGivesIdenticalFiles)
{
    const ModelFile model = sampleModel();
    ASSERT_TRUE(saveModelFile(folder_ / "a.refermap", model));
    ASSERT_TRUE(saveModelFile(folder_ / "b.refermap", model));
    auto a = SafetensorsFile::open(folder_ / "a.refermap");
    auto b = SafetensorsFile::open(folder_ / "b.refermap");
    ASSERT_TRUE(a && b);
    EXPECT_EQ(fs::file_size(folder_ / "a.refermap"), fs::file_size(folder_ / "b.refermap"));
    EXPECT_EQ(a->metadata(), b->metadata());
    EXPECT_EQ(a->metadata().at("format"), "refermap-model");
    EXPECT_EQ(a->metadata().at("format_version"), "1");
}

TEST_F(ModelFileTest, ProvenanceMayNotOverrideReservedKeys)
{
    ModelFile model = sampleModel();
    model.provenance["format_version"] = "7";
    auto saved = saveModelFile(folder_ / "model.refermap", model);
    ASSERT_FALSE(saved);
    EXPECT_EQ(saved.error().key(), "format_version");
    EXPECT_FALSE(fs::exists(folder_ / "model.refermap"));
}

TEST_F(ModelFileTest, PlainSafetensorsIsRefused)
{
    const fs::path path = plainFile("plain.safetensors", {{"format", "pt"}});
    auto loaded = loadModelFile(path);
    ASSERT_FALSE(loaded);
    EXPECT_EQ(loaded.error().file(), path.string());
    EXPECT_EQ(loaded.error().key(), "format");
    EXPECT_NE(loaded.error().message().find("not a ReferMap model"), std::string::npos) << loaded.error().message();

    const fs::path bare = plainFile("bare.safetensors", {});
    auto unmarked = loadModelFile(bare);
    ASSERT_FALSE(unmarked);
    EXPECT_EQ(unmarked.error().key(), "format");
    EXPECT_NE(unmarked.error().message().find("not a ReferMap model"), std::string::npos);
}

TEST_F(ModelFileTest, NewerFormatVersionIsRefused)
{
    auto metadata = validMetadata();
    metadata["format_version"] = "2";
    const fs::path path = plainFile("future.refermap", metadata);
    auto loaded = loadModelFile(path);
    ASSERT_FALSE(loaded);
    EXPECT_EQ(loaded.error().code(), ErrorCode::Unsupported);
    EXPECT_EQ(loaded.error().key(), "format_version");
    EXPECT_EQ(loaded.error().file(), path.string());
    EXPECT_NE(loaded.error().message().find("newer"), std::string::npos);

    for (const char* bad : {"", "one", "-1", "0", "1.0", "99999999999999999999"}) {
        metadata["format_version"] = bad;
        auto invalid = loadModelFile(plainFile("bad-version.refermap", metadata));
        ASSERT_FALSE(invalid) << bad;
        EXPECT_EQ(invalid.error().key(), "format_version") << bad;
    }
}

TEST_F(ModelFileTest, MissingConfigOrVocabularyIsRefused)
{
    for (const std::string key : {"config", "vocabulary", "format_version"}) {
        SCOPED_TRACE(key);
        auto metadata = validMetadata();
        metadata.erase(key);
        const fs::path path = plainFile("incomplete.refermap", metadata);
        auto loaded = loadModelFile(path);
        ASSERT_FALSE(loaded);
        EXPECT_EQ(loaded.error().key(), key);
        EXPECT_EQ(loaded.error().file(), path.string());
        EXPECT_NE(loaded.error().message().find("key '" + key + "'"), std::string::npos);
    }
    auto metadata = validMetadata();
    metadata["config"] = "{broken";
    auto broken = loadModelFile(plainFile("broken-config.refermap", metadata));
    ASSERT_FALSE(broken);
    EXPECT_EQ(broken.error().key(), "config");

    auto valid = loadModelFile(plainFile("valid.refermap", validMetadata()));
    ASSERT_TRUE(valid) << valid.error().message();
    EXPECT_EQ(valid->vocabulary, "a\nb\n");
    EXPECT_TRUE(valid->provenance.empty());
}

TEST_F(ModelFileTest, ReadTensorsConvertsHalfPrecisionAndKeepsIntegers)
{
    const std::uint16_t half[2] = {0x3C00, 0xC000}; // F16 1.0, -2.0
    const std::uint16_t bfloat[2] = {0x3F80, 0x4040}; // BF16 1.0, 3.0
    const std::int32_t ints[2] = {-5, 2147483647};
    const std::uint8_t flags[3] = {1, 0, 1};
    const fs::path path = folder_ / "types.safetensors";
    ASSERT_TRUE(writeSafetensors(path,
        {
            {"half", {TensorDtype::F16, {2}, reinterpret_cast<const std::uint8_t*>(half), 4}},
            {"bf", {TensorDtype::BF16, {2}, reinterpret_cast<const std::uint8_t*>(bfloat), 4}},
            {"ints", {TensorDtype::I32, {2}, reinterpret_cast<const std::uint8_t*>(ints), 8}},
            {"flags", {TensorDtype::Bool, {3}, flags, 3}},
            {"bytes", {TensorDtype::U8, {3}, flags, 3}},
        },
        {}));
    auto file = SafetensorsFile::open(path);
    ASSERT_TRUE(file);
    auto tensors = readTensors(*file);
    ASSERT_TRUE(tensors) << tensors.error().message();
    EXPECT_TRUE(torch::equal(tensors->at("half"), torch::tensor({1.0f, -2.0f})));
    EXPECT_TRUE(torch::equal(tensors->at("bf"), torch::tensor({1.0f, 3.0f})));
    EXPECT_EQ(tensors->at("ints").scalar_type(), torch::kInt32);
    EXPECT_EQ(tensors->at("ints")[1].item<std::int32_t>(), 2147483647);
    EXPECT_EQ(tensors->at("flags").scalar_type(), torch::kBool);
    EXPECT_TRUE(torch::equal(tensors->at("flags"), torch::tensor({true, false, true})));
    EXPECT_EQ(tensors->at("bytes").scalar_type(), torch::kUInt8);

    const std::uint8_t notBool[1] = {2};
    ASSERT_TRUE(writeSafetensors(path, {{"flags", {TensorDtype::Bool, {1}, notBool, 1}}}, {}));
    auto badFile = SafetensorsFile::open(path);
    ASSERT_TRUE(badFile);
    auto bad = readTensors(*badFile);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().key(), "flags");
}

// ---- strict loading ----------------------------------------------------------------------------

struct HeadImpl : torch::nn::Module {
    HeadImpl()
    {
        proj = register_module("proj", torch::nn::Linear(4, 2));
        register_buffer("scale", torch::ones({2}));
    }
    torch::nn::Linear proj {nullptr};
};
TORCH_MODULE(Head);

struct TinyNetImpl : torch::nn::Module {
    TinyNetImpl()
    {
        fc = register_module("fc", torch::nn::Linear(3, 4));
        head = register_module("head", Head());
    }
    torch::nn::Linear fc {nullptr};
    Head head {nullptr};
};
TORCH_MODULE(TinyNet);

std::map<std::string, torch::Tensor> snapshot(const torch::nn::Module& module)
{
    std::map<std::string, torch::Tensor> copy;
    for (const auto& [name, tensor] : moduleState(module))
        copy[name] = tensor.detach().clone();
    return copy;
}

bool sameState(const std::map<std::string, torch::Tensor>& a, const std::map<std::string, torch::Tensor>& b)
{
    if (a.size() != b.size())
        return false;
    for (const auto& [name, tensor] : a) {
        if (b.count(name) == 0 || !torch::equal(tensor, b.at(name)))
            return false;
    }
    return true;
}

std::map<std::string, torch::Tensor> freshState()
{
    return {
        {"fc.weight", torch::randn({4, 3})},
        {"fc.bias", torch::randn({4})},
        {"head.proj.weight", torch::randn({2, 4})},
        {"head.proj.bias", torch::randn({2})},
        {"head.scale", torch::randn({2})},
    };
}

TEST(ModuleStateTest, ListsParametersAndBuffersRecursively)
{
    TinyNet net;
    const auto state = moduleState(*net);
    std::vector<std::string> names;
    for (const auto& [name, tensor] : state)
        names.push_back(name);
    EXPECT_EQ(
        names, (std::vector<std::string> {"fc.bias", "fc.weight", "head.proj.bias", "head.proj.weight", "head.scale"}));
    EXPECT_TRUE(compareState(*net, state).empty());
}

TEST(LoadStateStrictTest, SuccessfulLoadCopiesExactly)
{
    TinyNet net;
    const auto state = freshState();
    ASSERT_TRUE(loadStateStrict(*net, state));
    EXPECT_TRUE(sameState(snapshot(*net), state));
    EXPECT_TRUE(net->fc->weight.requires_grad()) << "parameters stay trainable";
    // The module's tensors are its own, not the state's.
    state.at("fc.bias").fill_(42.0f);
    EXPECT_FALSE(torch::equal(net->fc->bias, state.at("fc.bias")));
}

TEST(LoadStateStrictTest, MismatchesAreListedAndNothingChanges)
{
    TinyNet net;
    const auto before = snapshot(*net);
    auto state = freshState();
    state.erase("head.proj.bias"); // missing
    state["head.extra.weight"] = torch::zeros({1}); // unexpected
    state["fc.weight"] = torch::zeros({3, 4}); // mis-shaped

    const StateMismatch mismatch = compareState(*net, state);
    EXPECT_EQ(mismatch.missing, std::vector<std::string> {"head.proj.bias"});
    EXPECT_EQ(mismatch.unexpected, std::vector<std::string> {"head.extra.weight"});
    ASSERT_EQ(mismatch.misShaped.size(), 1u);
    EXPECT_EQ(mismatch.misShaped[0], "fc.weight: file [3, 4] vs model [4, 3]");

    auto loaded = loadStateStrict(*net, state);
    ASSERT_FALSE(loaded);
    const std::string message = loaded.error().message();
    for (const char* word : {"head.proj.bias", "head.extra.weight", "fc.weight: file [3, 4] vs model [4, 3]", "missing",
             "unexpected", "mis-shaped"})
        EXPECT_NE(message.find(word), std::string::npos) << word << " in " << message;
    EXPECT_TRUE(sameState(snapshot(*net), before)) << "a refused load changes nothing";
}

TEST(LoadStateStrictTest, EachKindOfMismatchAloneRefuses)
{
    TinyNet net;
    const auto before = snapshot(*net);
    auto unexpectedOnly = freshState();
    unexpectedOnly["stray"] = torch::zeros({1});
    EXPECT_FALSE(loadStateStrict(*net, unexpectedOnly));
    auto misShapedOnly = freshState();
    misShapedOnly["head.scale"] = torch::zeros({3});
    EXPECT_FALSE(loadStateStrict(*net, misShapedOnly));
    auto integers = freshState();
    integers["fc.bias"] = torch::zeros({4}, torch::kInt64);
    EXPECT_FALSE(loadStateStrict(*net, integers)) << "integers for a float parameter";
    EXPECT_TRUE(sameState(snapshot(*net), before));
}

TEST(LoadStateStrictTest, AllowedMissingPrefixesAreSkipped)
{
    TinyNet net;
    const auto before = snapshot(*net);
    auto state = freshState();
    for (const char* name : {"head.proj.weight", "head.proj.bias", "head.scale"})
        state.erase(name);
    EXPECT_FALSE(loadStateStrict(*net, state, {"fc."})) << "the wrong prefix does not excuse head.*";
    ASSERT_TRUE(loadStateStrict(*net, state, {"head."}));
    const auto after = snapshot(*net);
    EXPECT_TRUE(torch::equal(after.at("fc.weight"), state.at("fc.weight")));
    EXPECT_TRUE(torch::equal(after.at("fc.bias"), state.at("fc.bias")));
    EXPECT_TRUE(torch::equal(after.at("head.proj.weight"), before.at("head.proj.weight")));
    EXPECT_TRUE(torch::equal(after.at("head.scale"), before.at("head.scale")));

    auto withUnexpected = freshState();
    withUnexpected.erase("head.scale");
    withUnexpected["other"] = torch::zeros({1});
    EXPECT_FALSE(loadStateStrict(*net, withUnexpected, {"head."})) << "allowedMissing excuses nothing unexpected";
}

TEST(LoadStateStrictTest, ConvertsDtypeOfMatchingFloats)
{
    TinyNet net;
    auto state = freshState();
    for (auto& [name, tensor] : state)
        tensor = tensor.to(torch::kFloat64);
    ASSERT_TRUE(loadStateStrict(*net, state));
    EXPECT_EQ(net->fc->weight.scalar_type(), torch::kFloat32);
    EXPECT_TRUE(torch::allclose(net->fc->weight.to(torch::kFloat64), state.at("fc.weight")));
}

TEST(LoadStateStrictTest, DescribeListsAtMostTwentyOfEach)
{
    StateMismatch mismatch;
    for (int i = 0; i < 25; ++i)
        mismatch.missing.push_back("layer." + std::to_string(i));
    const std::string text = mismatch.describe();
    EXPECT_NE(text.find("25 missing"), std::string::npos) << text;
    EXPECT_NE(text.find("layer.19"), std::string::npos);
    EXPECT_EQ(text.find("layer.20"), std::string::npos);
    EXPECT_NE(text.find("5 more"), std::string::npos);
    EXPECT_TRUE(StateMismatch {}.empty());
}

TEST(LoadStateStrictTest, ModelFileRoundTripIntoAModule)
{
    const fs::path path = fs::temp_directory_path() / ("refermap-tiny-" + std::to_string(::getpid()) + ".refermap");
    TinyNet source;
    ModelFile model;
    model.tensors = moduleState(*source);
    model.configJson = "{}";
    model.vocabulary = "[PAD]\n";
    ASSERT_TRUE(saveModelFile(path, model));
    auto loaded = loadModelFile(path);
    fs::remove(path);
    ASSERT_TRUE(loaded) << loaded.error().message();
    TinyNet target;
    ASSERT_TRUE(loadStateStrict(*target, loaded->tensors));
    EXPECT_TRUE(sameState(snapshot(*target), snapshot(*source)));
}

} // namespace
} // namespace refermap::model
