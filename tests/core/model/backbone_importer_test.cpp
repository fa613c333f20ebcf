#include "model/backbone_importer.h"
#include "model/model_file.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <set>

// Fixtures written at build time by make_backbone_fixtures.py with torch (see weights_tests.cmake):
// tiny checkpoints with the public key names of timm swin_base_patch4_window12_384 and HuggingFace
// bert-base-uncased, and torch's own bicubic resize of every relative-position table as reference.
#ifndef BACKBONE_FIXTURE_DIR
#error "BACKBONE_FIXTURE_DIR must name the folder make_backbone_fixtures.py writes"
#endif

namespace refermap::model {
namespace {

namespace fs = std::filesystem;

const std::vector<int> depths {2, 2, 2, 2};
const std::vector<int> heads {1, 1, 2, 2};
constexpr int embed = 8;
constexpr int bertLayers = 2;

SafetensorsFile openFixture(const std::string& name)
{
    auto file = SafetensorsFile::open(fs::path(BACKBONE_FIXTURE_DIR) / name);
    if (!file)
        throw Exception(file.error());
    return std::move(*file);
}

std::map<std::string, torch::Tensor> tensorsOf(const std::string& name)
{
    return readTensors(openFixture(name)).value();
}

std::set<std::string> keysOf(const std::map<std::string, torch::Tensor>& tensors)
{
    std::set<std::string> keys;
    for (const auto& [key, tensor] : tensors)
        keys.insert(key);
    return keys;
}

// Every parameter name BTDDNet's Swin registers, in timm >= 0.9 layout, under "swin.".
std::set<std::string> expectedSwinKeys()
{
    std::set<std::string> keys {"swin.patch_embed.proj.weight", "swin.patch_embed.proj.bias",
        "swin.patch_embed.norm.weight", "swin.patch_embed.norm.bias"};
    for (std::size_t stage = 0; stage < depths.size(); ++stage) {
        const std::string layer = "swin.layers." + std::to_string(stage) + ".";
        for (int block = 0; block < depths[stage]; ++block) {
            const std::string prefix = layer + "blocks." + std::to_string(block) + ".";
            keys.insert(prefix + "attn.relative_position_bias_table");
            for (const char* part : {"norm1", "attn.qkv", "attn.proj", "norm2", "mlp.fc1", "mlp.fc2"}) {
                keys.insert(prefix + part + ".weight");
                keys.insert(prefix + part + ".bias");
            }
        }
        if (stage > 0) {
            for (const char* part : {"downsample.norm.weight", "downsample.norm.bias", "downsample.reduction.weight"})
                keys.insert(layer + part);
        }
    }
    return keys;
}

std::set<std::string> expectedBertKeys()
{
    std::set<std::string> keys {"bert.embeddings.word_embeddings.weight", "bert.embeddings.position_embeddings.weight",
        "bert.embeddings.token_type_embeddings.weight", "bert.embeddings.LayerNorm.weight",
        "bert.embeddings.LayerNorm.bias"};
    for (int i = 0; i < bertLayers; ++i) {
        const std::string layer = "bert.encoder.layer." + std::to_string(i) + ".";
        for (const char* part :
            {"attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
                "attention.output.LayerNorm", "intermediate.dense", "output.dense", "output.LayerNorm"}) {
            keys.insert(layer + part + ".weight");
            keys.insert(layer + part + ".bias");
        }
    }
    return keys;
}

TEST(ImportTimmSwinTest, RenamesAndDropsKeys)
{
    auto imported = importTimmSwin(openFixture("swin_new.safetensors"), 12);
    ASSERT_TRUE(imported) << imported.error().message();
    EXPECT_EQ(keysOf(*imported), expectedSwinKeys());

    const auto original = tensorsOf("swin_new.safetensors");
    for (const auto& [key, tensor] : original) {
        const std::string name = "swin." + key;
        if (imported->count(name)) {
            EXPECT_TRUE(torch::equal(imported->at(name), tensor)) << key << " is copied unchanged";
        }
    }
    for (const char* dropped : {"swin.head.fc.weight", "swin.head.fc.bias", "swin.norm.weight", "swin.norm.bias",
             "swin.layers.0.blocks.0.attn.relative_position_index"})
        EXPECT_EQ(imported->count(dropped), 0u) << dropped;
}

TEST(ImportTimmSwinTest, UnchangedWindowIsTheIdentity)
{
    auto imported = importTimmSwin(openFixture("swin_new.safetensors"), 12);
    ASSERT_TRUE(imported);
    const auto original = tensorsOf("swin_new.safetensors");
    const auto& table = imported->at("swin.layers.3.blocks.1.attn.relative_position_bias_table");
    EXPECT_EQ(table.sizes(), (std::vector<std::int64_t> {529, 2}));
    EXPECT_TRUE(torch::equal(table, original.at("layers.3.blocks.1.attn.relative_position_bias_table")));
}

TEST(ImportTimmSwinTest, ResizedTablesMatchTorchBicubic)
{
    auto imported = importTimmSwin(openFixture("swin_new.safetensors"), 7);
    ASSERT_TRUE(imported) << imported.error().message();
    EXPECT_EQ(keysOf(*imported), expectedSwinKeys());
    const auto expected = tensorsOf("swin_expected_w7.safetensors");
    ASSERT_EQ(expected.size(), 8u);
    for (const auto& [key, reference] : expected) {
        SCOPED_TRACE(key);
        const torch::Tensor& table = imported->at("swin." + key);
        const int stage = key[7] - '0';
        EXPECT_EQ(table.sizes(), (std::vector<std::int64_t> {169, heads[static_cast<std::size_t>(stage)]}));
        EXPECT_TRUE(table.is_contiguous());
        const double difference = (table - reference).abs().max().item<double>();
        EXPECT_LE(difference, 1e-6) << "torch F.interpolate(bicubic, align_corners=False) parity";
    }
    // Everything else is untouched by the resize.
    const auto original = tensorsOf("swin_new.safetensors");
    EXPECT_TRUE(torch::equal(
        imported->at("swin.layers.1.blocks.0.attn.qkv.weight"), original.at("layers.1.blocks.0.attn.qkv.weight")));
}

TEST(ImportTimmSwinTest, ResizeRoundTripKeepsTheCentre)
{
    // The centre of the table (relative offset 0, 0) stays close: a sanity check independent of torch.
    auto imported = importTimmSwin(openFixture("swin_new.safetensors"), 7);
    ASSERT_TRUE(imported);
    const auto original = tensorsOf("swin_new.safetensors");
    const auto& source = original.at("layers.0.blocks.0.attn.relative_position_bias_table");
    const auto& resized = imported->at("swin.layers.0.blocks.0.attn.relative_position_bias_table");
    EXPECT_NEAR(resized.mean().item<double>(), source.mean().item<double>(), 0.01);
}

TEST(ImportTimmSwinTest, OldLayoutMovesDownsampleToTheNextStage)
{
    auto fromOld = importTimmSwin(openFixture("swin_old.safetensors"), 7);
    ASSERT_TRUE(fromOld) << fromOld.error().message();
    auto fromNew = importTimmSwin(openFixture("swin_new.safetensors"), 7);
    ASSERT_TRUE(fromNew);
    EXPECT_EQ(keysOf(*fromOld), expectedSwinKeys());
    for (const auto& [key, tensor] : *fromNew)
        EXPECT_TRUE(torch::equal(fromOld->at(key), tensor)) << key << ": same weights in both layouts";

    const auto old = tensorsOf("swin_old.safetensors");
    EXPECT_TRUE(torch::equal(
        fromOld->at("swin.layers.1.downsample.reduction.weight"), old.at("layers.0.downsample.reduction.weight")));
    EXPECT_EQ(fromOld->at("swin.layers.3.downsample.norm.weight").size(0), 2 * 8 * embed)
        << "norm over 4 x stage 2 channels";
    EXPECT_EQ(fromOld->count("swin.layers.0.downsample.norm.weight"), 0u);
    EXPECT_EQ(old.count("layers.0.blocks.1.attn_mask"), 1u) << "the fixture carries the old attn_mask";
}

TEST(ImportTimmSwinTest, UnknownKeysAreListed)
{
    auto imported = importTimmSwin(openFixture("swin_unknown.safetensors"), 7);
    ASSERT_FALSE(imported);
    const std::string message = imported.error().message();
    EXPECT_NE(message.find("swin_unknown.safetensors"), std::string::npos) << message;
    EXPECT_NE(message.find("layers.0.blocks.0.attn.extra_scale"), std::string::npos) << message;
    EXPECT_NE(message.find("absolute_pos_embed"), std::string::npos) << message;
    EXPECT_NE(message.find("2 key(s)"), std::string::npos) << message;

    auto bertAsSwin = importTimmSwin(openFixture("bert.safetensors"), 7);
    EXPECT_FALSE(bertAsSwin);
    EXPECT_FALSE(importTimmSwin(openFixture("swin_new.safetensors"), 0)) << "a window must be positive";
}

TEST(ImportTimmSwinTest, MalformedTableIsRefusedWithItsKey)
{
    const fs::path path = fs::temp_directory_path() / ("refermap-bad-table-" + std::to_string(::getpid()));
    const std::vector<float> values(10 * 2, 0.5f);
    ASSERT_TRUE(writeSafetensors(path,
        {{"layers.0.blocks.0.attn.relative_position_bias_table",
            {TensorDtype::F32, {10, 2}, reinterpret_cast<const std::uint8_t*>(values.data()),
                values.size() * sizeof(float)}}},
        {}));
    auto file = SafetensorsFile::open(path);
    fs::remove(path);
    ASSERT_TRUE(file);
    auto imported = importTimmSwin(*file, 7);
    ASSERT_FALSE(imported);
    EXPECT_EQ(imported.error().key(), "layers.0.blocks.0.attn.relative_position_bias_table");
}

TEST(ImportHuggingFaceBertTest, RenamesAndDropsKeys)
{
    auto imported = importHuggingFaceBert(openFixture("bert.safetensors"));
    ASSERT_TRUE(imported) << imported.error().message();
    EXPECT_EQ(keysOf(*imported), expectedBertKeys());
    const auto original = tensorsOf("bert.safetensors");
    EXPECT_TRUE(
        torch::equal(imported->at("bert.embeddings.LayerNorm.weight"), original.at("bert.embeddings.LayerNorm.gamma")));
    EXPECT_TRUE(torch::equal(imported->at("bert.encoder.layer.1.output.LayerNorm.bias"),
        original.at("bert.encoder.layer.1.output.LayerNorm.beta")));
    EXPECT_TRUE(torch::equal(imported->at("bert.encoder.layer.0.attention.self.key.weight"),
        original.at("bert.encoder.layer.0.attention.self.key.weight")));
    EXPECT_EQ(imported->at("bert.embeddings.word_embeddings.weight").sizes(), (std::vector<std::int64_t> {64, 16}));
}

TEST(ImportHuggingFaceBertTest, BareBertModelNamesGiveTheSameKeys)
{
    auto prefixed = importHuggingFaceBert(openFixture("bert.safetensors"));
    auto bare = importHuggingFaceBert(openFixture("bert_bare.safetensors"));
    ASSERT_TRUE(prefixed && bare) << (bare ? "" : bare.error().message());
    EXPECT_EQ(keysOf(*bare), keysOf(*prefixed));
    for (const auto& [key, tensor] : *prefixed)
        EXPECT_TRUE(torch::equal(bare->at(key), tensor)) << key;
}

TEST(ImportHuggingFaceBertTest, UnknownKeysAreListed)
{
    auto imported = importHuggingFaceBert(openFixture("bert_unknown.safetensors"));
    ASSERT_FALSE(imported);
    const std::string message = imported.error().message();
    EXPECT_NE(message.find("bert_unknown.safetensors"), std::string::npos);
    EXPECT_NE(message.find("bert.encoder.layer.0.attention.self.distance_embedding.weight"), std::string::npos)
        << message;

    auto swinAsBert = importHuggingFaceBert(openFixture("swin_new.safetensors"));
    EXPECT_FALSE(swinAsBert);
}

TEST(ImportHuggingFaceBertTest, DuplicateTargetsAreRefused)
{
    // "bert.x.gamma" and "x.weight" both become "bert.x.weight".
    const fs::path path = fs::temp_directory_path() / ("refermap-bert-dup-" + std::to_string(::getpid()));
    const float value = 1.0f;
    const TensorView view {TensorDtype::F32, {1}, reinterpret_cast<const std::uint8_t*>(&value), 4};
    ASSERT_TRUE(
        writeSafetensors(path, {{"bert.embeddings.LayerNorm.gamma", view}, {"embeddings.LayerNorm.weight", view}}, {}));
    auto file = SafetensorsFile::open(path);
    fs::remove(path);
    ASSERT_TRUE(file);
    auto imported = importHuggingFaceBert(*file);
    ASSERT_FALSE(imported);
    EXPECT_NE(imported.error().message().find("bert.embeddings.LayerNorm.weight"), std::string::npos);
}

TEST(ImportersTest, ImportedStateLoadsStrictlyIntoModulesWithTheRegisteredNames)
{
    // A stand-in module with exactly the names BTDDNet registers for Swin stage 0's first block.
    struct BlockImpl : torch::nn::Module {
        BlockImpl()
        {
            register_module("norm1", torch::nn::LayerNorm(torch::nn::LayerNormOptions({embed})));
            auto attn = std::make_shared<torch::nn::Module>();
            attn->register_parameter("relative_position_bias_table", torch::zeros({169, 1}));
            attn->register_module("qkv", torch::nn::Linear(embed, 3 * embed));
            attn->register_module("proj", torch::nn::Linear(embed, embed));
            register_module("attn", attn);
        }
    };
    auto block = std::make_shared<BlockImpl>();
    auto imported = importTimmSwin(openFixture("swin_new.safetensors"), 7);
    ASSERT_TRUE(imported);
    std::map<std::string, torch::Tensor> state;
    const std::string prefix = "swin.layers.0.blocks.0.";
    for (const auto& [key, tensor] : *imported) {
        if (key.rfind(prefix, 0) == 0 && key.find("norm2") == std::string::npos && key.find("mlp") == std::string::npos)
            state[key.substr(prefix.size())] = tensor;
    }
    auto loaded = loadStateStrict(*block, state);
    EXPECT_TRUE(loaded) << loaded.error().message();
}

} // namespace
} // namespace refermap::model
