// BTDDNet in the tiny preset: shapes at awkward sizes, identity BSC at initialisation, parameter
// names, configuration round trip, and a real training step (gradients, overfitting, determinism).
#include "model/btddnet.h"
#include "model/btddnet_loss.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <set>

namespace refermap::model {
namespace {

struct Batch {
    torch::Tensor image;
    torch::Tensor ids;
    torch::Tensor mask;
    torch::Tensor maskedIds;
    torch::Tensor target;
};

// Two expressions of different lengths (padding in the second), a square target in each image.
Batch makeBatch(int64_t height, int64_t width)
{
    Batch batch;
    batch.image = torch::randn({2, 3, height, width});
    batch.ids = torch::zeros({2, 20}, torch::kLong);
    batch.mask = torch::zeros({2, 20}, torch::kLong);
    const std::vector<std::vector<int64_t>> rows{{101, 1996, 2317, 5527, 2000, 1996, 2157, 102},
                                                 {101, 1996, 2482, 102}};
    for (int64_t row = 0; row < 2; ++row) {
        for (std::size_t position = 0; position < rows[static_cast<std::size_t>(row)].size(); ++position) {
            batch.ids[row][static_cast<int64_t>(position)] = rows[static_cast<std::size_t>(row)][position];
            batch.mask[row][static_cast<int64_t>(position)] = 1;
        }
    }
    batch.maskedIds = batch.ids.clone();
    batch.maskedIds[0][3] = 0;
    batch.maskedIds[1][2] = 0;
    batch.target = torch::zeros({2, height, width});
    batch.target.index_put_({0, torch::indexing::Slice(height / 4, height / 2), torch::indexing::Slice(width / 4, width / 2)}, 1.0);
    batch.target.index_put_({1, torch::indexing::Slice(height / 2, height), torch::indexing::Slice(0, width / 3)}, 1.0);
    return batch;
}

TEST(BtddnetTest, AnyInputSizeGivesLogitsAtThatSize)
{
    torch::manual_seed(1);
    Btddnet model(BtddnetConfig::tiny());
    model->eval();
    torch::NoGradGuard noGrad;
    for (auto [height, width] : {std::pair<int64_t, int64_t>{64, 64}, {90, 61}, {37, 130}}) {
        const Batch batch = makeBatch(height, width);
        const auto output = model->forward(batch.image, batch.ids, batch.mask, batch.maskedIds, true);
        EXPECT_EQ(output.logits.sizes(), torch::IntArrayRef({2, 2, height, width})) << height << "x" << width;
        EXPECT_TRUE(torch::isfinite(output.logits).all().item<bool>());
        EXPECT_EQ(output.rephrased.sizes(), torch::IntArrayRef({2, 20, 64}));
        const auto probability = BtddnetImpl::foregroundProbability(output.logits);
        EXPECT_EQ(probability.sizes(), torch::IntArrayRef({2, height, width}));
        EXPECT_TRUE(((probability >= 0) & (probability <= 1)).all().item<bool>());
    }
}

// A query encodes its text once (encodeText) and runs every batch of tiles with it; the logits must
// be those of the one-step forward, for a text of the images' batch and for one of batch 1
// broadcast over three images.
TEST(BtddnetTest, TextEncodedOnceGivesTheOneStepLogits)
{
    torch::manual_seed(4);
    Btddnet model(BtddnetConfig::tiny());
    model->eval();
    torch::InferenceMode inference;
    const Batch batch = makeBatch(64, 48);
    const auto expected = model->forward(batch.image, batch.ids, batch.mask, batch.maskedIds, false).logits;
    const BtddnetText text = model->encodeText(batch.ids, batch.mask, batch.maskedIds);
    EXPECT_TRUE(torch::allclose(model->forward(batch.image, text), expected, 1e-5, 1e-5));

    const auto first = torch::indexing::Slice(0, 1);
    const BtddnetText one = model->encodeText(batch.ids.index({first}), batch.mask.index({first}),
                                              batch.maskedIds.index({first}));
    const auto images = torch::randn({3, 3, 64, 48});
    const auto broadcast = model->forward(images, one);
    ASSERT_EQ(broadcast.sizes(), torch::IntArrayRef({3, 2, 64, 48}));
    for (int64_t i = 0; i < 3; ++i) {
        const auto alone = model->forward(images.index({torch::indexing::Slice(i, i + 1)}), batch.ids.index({first}),
                                          batch.mask.index({first}), batch.maskedIds.index({first}), false);
        EXPECT_TRUE(torch::allclose(broadcast.index({torch::indexing::Slice(i, i + 1)}), alone.logits, 1e-5, 1e-5))
            << "image " << i;
    }
    // A different text gives different logits: the encoded text is really used.
    const BtddnetText second = model->encodeText(batch.ids.index({torch::indexing::Slice(1, 2)}),
                                                 batch.mask.index({torch::indexing::Slice(1, 2)}),
                                                 batch.maskedIds.index({torch::indexing::Slice(1, 2)}));
    EXPECT_FALSE(torch::allclose(model->forward(images, second), broadcast, 1e-5, 1e-5));
}

TEST(BtddnetTest, BscStartsAsTheIdentity)
{
    torch::manual_seed(2);
    const auto config = BtddnetConfig::tiny();
    BidirectionalSpatialCorrelation bsc(config, 1);
    const auto vision = torch::randn({2, 9, 7, config.swin.stageChannels(1)});
    const auto text = torch::randn({2, 20, config.bert.hidden});
    auto mask = torch::ones({2, 20}, torch::kLong);
    mask.slice(1, 12, 20).zero_();
    const auto [visionOut, textOut] = bsc->forward(vision, text, mask);
    EXPECT_TRUE(torch::equal(visionOut, vision));
    EXPECT_TRUE(torch::equal(textOut, text));

    // Open the gates: the output changes, but padding tokens never do.
    torch::NoGradGuard noGrad;
    bsc->vision_gate_norm->weight.fill_(1.0);
    bsc->text_gate_norm->weight.fill_(1.0);
    const auto [visionOpen, textOpen] = bsc->forward(vision, text, mask);
    EXPECT_FALSE(torch::allclose(visionOpen, vision));
    EXPECT_FALSE(torch::allclose(textOpen.slice(1, 0, 12), text.slice(1, 0, 12)));
    EXPECT_TRUE(torch::equal(textOpen.slice(1, 12, 20), text.slice(1, 12, 20)));
}

TEST(BtddnetTest, ParameterNamesFollowTimmAndHuggingFace)
{
    Btddnet model(BtddnetConfig::tiny());
    std::set<std::string> names;
    for (const auto& item : model->named_parameters())
        names.insert(item.key());
    for (const char* expected : {"swin.patch_embed.proj.weight", "swin.patch_embed.norm.bias",
                                 "swin.layers.0.blocks.0.attn.relative_position_bias_table",
                                 "swin.layers.0.blocks.0.attn.qkv.weight", "swin.layers.2.blocks.1.mlp.fc2.bias",
                                 "swin.layers.1.downsample.reduction.weight", "swin.layers.3.downsample.norm.weight",
                                 "bert.embeddings.word_embeddings.weight", "bert.embeddings.LayerNorm.weight",
                                 "bert.encoder.layer.0.attention.self.query.weight",
                                 "bert.encoder.layer.3.attention.output.LayerNorm.bias",
                                 "bert.encoder.layer.1.intermediate.dense.weight",
                                 "bert.encoder.layer.2.output.dense.weight", "bsc.0.alpha", "bsc.3.beta",
                                 "feature_norms.2.weight", "mci.level_embed", "predictor.background_tokens",
                                 "rephrase.output.weight"}) {
        EXPECT_TRUE(names.count(expected)) << expected;
    }
    EXPECT_FALSE(names.count("swin.layers.0.downsample.reduction.weight")) << "stage 0 has no merging";
    EXPECT_TRUE(model->named_buffers().is_empty()) << "indices and masks are recomputed, never stored";
}

TEST(BtddnetTest, BasePresetHasThePaperSizes)
{
    const auto config = BtddnetConfig::base();
    EXPECT_EQ(config.swin.embedDim, 128);
    EXPECT_EQ(config.swin.depths, (std::vector<int>{2, 2, 18, 2}));
    EXPECT_EQ(config.swin.heads, (std::vector<int>{4, 8, 16, 32}));
    EXPECT_EQ(config.swin.window, 12);
    EXPECT_EQ(config.bert.hidden, 768);
    EXPECT_EQ(config.bertLayersPerStage(), 3);
    EXPECT_EQ(config.decoderDim, 256);
    EXPECT_EQ(config.backgroundTokens, 5);
    EXPECT_DOUBLE_EQ(config.foregroundWeight, 0.6);
    EXPECT_DOUBLE_EQ(config.rephraseWeight, 0.1);
    EXPECT_TRUE(config.validate());
}

TEST(BtddnetConfigTest, JsonRoundTripAndErrorsNameTheKey)
{
    auto config = BtddnetConfig::tiny();
    config.bscNeighbourhood = "depthwise";
    config.mciLayers = 2;
    auto parsed = BtddnetConfig::fromJson(config.toJson());
    ASSERT_TRUE(parsed) << parsed.error().message();
    EXPECT_EQ(parsed->toJson(), config.toJson());

    auto defaults = BtddnetConfig::fromJson("{}");
    ASSERT_TRUE(defaults);
    EXPECT_EQ(defaults->toJson(), BtddnetConfig::base().toJson());

    const std::vector<std::pair<std::string, std::string>> bad{
        {R"({"decoder_dim": "wide"})", "decoder_dim"},
        {R"({"swin": {"window": 7, "colour": 1}})", "swin.colour"},
        {R"({"bert": {"layers": 6}})", "bert.layers"},
        {R"({"bsc_vision_kernels": [2]})", "bsc_vision_kernels"},
        {R"({"swin": {"heads": [3, 8, 16, 32]}})", "swin.heads"},
        {R"({"rephrase_target": "nothing"})", "rephrase_target"},
        {R"([1, 2])", "JSON object"},
        {R"({"stages": )", "not valid JSON"},
    };
    for (const auto& [json, words] : bad) {
        auto result = BtddnetConfig::fromJson(json);
        ASSERT_FALSE(result) << json;
        EXPECT_NE(result.error().message().find(words), std::string::npos) << result.error().message();
    }
}

TEST(BtddnetTrainingTest, EveryParameterLearnsAndOneBatchIsOverfitted)
{
    torch::manual_seed(3);
    auto config = BtddnetConfig::tiny();
    Btddnet model(config);
    model->train();
    const Batch batch = makeBatch(64, 64);
    torch::optim::AdamW optimizer(model->parameters(), torch::optim::AdamWOptions(1e-3).weight_decay(0.0));

    double first = 0.0;
    double last = 0.0;
    for (int step = 0; step < 200; ++step) {
        optimizer.zero_grad();
        const auto output = model->forward(batch.image, batch.ids, batch.mask, batch.maskedIds, true);
        const auto loss = btddnetLoss(output, batch.target, batch.mask, config);
        loss.total.backward();
        if (step == 2) {
            // The gates open after the first step; from then on every parameter has a gradient.
            for (const auto& item : model->named_parameters()) {
                ASSERT_TRUE(item.value().grad().defined()) << item.key();
                EXPECT_GT(item.value().grad().abs().sum().item<double>(), 0.0) << item.key();
            }
        }
        optimizer.step();
        if (step == 0)
            first = loss.total.item<double>();
        last = loss.total.item<double>();
        if (last < 0.1 * first)
            break;
    }
    EXPECT_LT(last, 0.1 * first) << "loss went from " << first << " to " << last;
}

TEST(BtddnetTrainingTest, InferenceThenTrainingOnTheSameInstance)
{
    torch::manual_seed(6);
    auto config = BtddnetConfig::tiny();
    Btddnet model(config);
    const Batch batch = makeBatch(64, 64);
    torch::Tensor inferred;
    {
        c10::InferenceMode inference;
        model->eval();
        inferred = model->forward(batch.image, batch.ids, batch.mask, batch.maskedIds, false).logits;
    }
    model->train();
    const auto output = model->forward(batch.image, batch.ids, batch.mask, batch.maskedIds, true);
    const auto loss = btddnetLoss(output, batch.target, batch.mask, config);
    ASSERT_NO_THROW(loss.total.backward()) << "cached tensors made under InferenceMode must not leak into training";
    EXPECT_TRUE(model->swin->patch_embed->proj->weight.grad().defined());
    model->eval();
    torch::NoGradGuard noGrad;
    const auto again = model->forward(batch.image, batch.ids, batch.mask, batch.maskedIds, false).logits;
    EXPECT_TRUE(torch::allclose(inferred, again)) << "eval results do not depend on what ran before";
}

TEST(BtddnetTrainingTest, SameSeedSameOutputBitForBit)
{
    auto run = [] {
        torch::manual_seed(4);
        Btddnet model(BtddnetConfig::tiny());
        model->train(); // dropout and stochastic depth draw from the seeded generator too
        const Batch batch = makeBatch(48, 56);
        const auto output = model->forward(batch.image, batch.ids, batch.mask, batch.maskedIds, true);
        return btddnetLoss(output, batch.target, batch.mask, model->config()).total.detach();
    };
    const auto a = run();
    const auto b = run();
    EXPECT_TRUE(torch::equal(a, b)) << a.item<double>() << " vs " << b.item<double>();
}

TEST(BtddnetLossTest, WeightsTheTargetTermByLambda)
{
    auto config = BtddnetConfig::tiny();
    BtddnetOutput output;
    // Logits that are wrong everywhere by the same margin.
    output.logits = torch::zeros({1, 2, 4, 4});
    output.logits.select(1, 0).fill_(1.0);
    auto target = torch::zeros({1, 4, 4});
    target.slice(1, 0, 2).fill_(1.0); // half the pixels are target
    const auto loss = btddnetLoss(output, target, torch::ones({1, 20}), config);
    const double wrong = -std::log(1.0 / (1.0 + std::exp(1.0)));
    const double right = -std::log(std::exp(1.0) / (1.0 + std::exp(1.0)));
    EXPECT_NEAR(loss.foreground.item<double>(), 0.5 * wrong, 1e-6);
    EXPECT_NEAR(loss.background.item<double>(), 0.5 * right, 1e-6);
    EXPECT_NEAR(loss.total.item<double>(), 0.6 * 0.5 * wrong + 0.4 * 0.5 * right, 1e-6);
    EXPECT_EQ(loss.rephrase.item<double>(), 0.0);
}

} // namespace
} // namespace refermap::model
