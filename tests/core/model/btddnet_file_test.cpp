#include "model/btddnet_file.h"
#include "model/model_file.h"

#include "support/temporary_folder.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace refermap::model {
namespace {

using BtddnetFileTest = testing::TemporaryFolderTest;

WordpieceTokenizer realVocabulary()
{
    return WordpieceTokenizer::fromVocabularyFile(TEST_DATA_DIR "/vocab/bert-base-uncased-vocab.txt").value();
}

TEST_F(BtddnetFileTest, RoundTripGivesTheSameNetworkBitForBit)
{
    torch::manual_seed(5);
    Btddnet model(BtddnetConfig::tiny());
    model->eval();
    const auto tokenizer = realVocabulary();
    const auto path = folder() / "tiny.refermap-model";
    ASSERT_TRUE(saveBtddnetFile(path, model, tokenizer, {{"trained_on", "nothing yet"}}));

    auto loaded = loadBtddnetFile(path);
    ASSERT_TRUE(loaded) << loaded.error().message();
    EXPECT_EQ(loaded->provenance.at("trained_on"), "nothing yet");
    EXPECT_EQ(loaded->model->config().toJson(), model->config().toJson());
    EXPECT_EQ(loaded->tokenizer.size(), tokenizer.size());

    const auto encoded = tokenizer.encode("the white storage tanks near the harbor");
    const auto ids = torch::tensor(encoded.inputIds).unsqueeze(0);
    const auto mask = torch::tensor(encoded.attentionMask).unsqueeze(0);
    const auto image = torch::randn({1, 3, 64, 64});
    torch::NoGradGuard noGrad;
    const auto a = model->forward(image, ids, mask, ids, false).logits;
    const auto b = loaded->model->forward(image, ids, mask, ids, false).logits;
    EXPECT_TRUE(torch::equal(a, b));
}

TEST_F(BtddnetFileTest, AnotherArchitectureIsRefusedWithTheMismatchedKeys)
{
    Btddnet model(BtddnetConfig::tiny());
    const auto path = folder() / "other.refermap-model";
    ASSERT_TRUE(saveBtddnetFile(path, model, realVocabulary()));

    // Same weights, but a file that claims a wider decoder.
    auto file = loadModelFile(path).value();
    auto config = BtddnetConfig::tiny();
    config.decoderDim = 64;
    file.configJson = config.toJson();
    const auto tampered = folder() / "tampered.refermap-model";
    ASSERT_TRUE(saveModelFile(tampered, file));
    auto loaded = loadBtddnetFile(tampered);
    ASSERT_FALSE(loaded);
    const std::string message = loaded.error().message();
    EXPECT_NE(message.find("tampered.refermap-model"), std::string::npos) << message;
    EXPECT_NE(message.find("mis-shaped: mci.input_projections.0.0.bias: file [32] vs model [64]"), std::string::npos)
        << message;
}

TEST_F(BtddnetFileTest, VocabularyMustFitTheEmbeddings)
{
    auto config = BtddnetConfig::tiny();
    config.bert.vocabularySize = 200;
    Btddnet model(config);
    auto saved = saveBtddnetFile(folder() / "x.refermap-model", model, realVocabulary());
    ASSERT_FALSE(saved);
    EXPECT_NE(saved.error().message().find("30522 tokens"), std::string::npos) << saved.error().message();
}

} // namespace
} // namespace refermap::model
