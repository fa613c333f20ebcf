// The trainer on a small synthetic benchmark: an interrupted and resumed run is bit-identical to an
// uninterrupted one (parameters, optimizer state, losses), checkpoints round-trip, a damaged
// checkpoint is refused, runs refuse to overwrite or to resume with other options, the
// evaluator's scores do not depend on the batch size, and the expression of each sample reaches its
// prediction and gets gradients.
#include "engine/btddnet_trainer.h"
#include "engine/referring_evaluator.h"
#include "engine/synthetic_dataset_writer.h"
#include "engine/training_batch.h"
#include "engine/training_checkpoint.h"

#include "model/btddnet_loss.h"
#include "model/model_file.h"
#include "support/temporary_folder.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <fstream>
#include <sstream>

namespace refermap::engine {
namespace {

// A smaller tiny network (64 px) so a few steps take well under a second each.
model::BtddnetConfig smallConfig()
{
    model::BtddnetConfig config = model::BtddnetConfig::tiny();
    config.imageSize = 64;
    config.swin.embedDim = 16;
    config.bert.hidden = 32;
    config.bert.heads = 2;
    config.bert.intermediate = 64;
    config.decoderDim = 16;
    config.mciHeads = 2;
    return config;
}

model::LoadedBtddnet freshNetwork(std::uint64_t seed)
{
    auto tokenizer = model::WordpieceTokenizer::fromVocabularyFile(std::string(TEST_DATA_DIR)
                                                                   + "/vocab/bert-base-uncased-vocab.txt");
    torch::manual_seed(static_cast<std::uint64_t>(seed));
    return model::LoadedBtddnet{model::Btddnet(smallConfig()), std::move(tokenizer).value(), {}};
}

std::string readText(const std::filesystem::path& path)
{
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// The CSV without its wall-time column.
std::string lossesOf(const std::filesystem::path& csv)
{
    std::istringstream in(readText(csv));
    std::string line;
    std::string kept;
    while (std::getline(in, line))
        kept += line.substr(0, line.rfind(',')) + "\n";
    return kept;
}

class BtddnetTrainerTest : public testing::TemporaryFolderTest {
protected:
    void SetUp() override
    {
        TemporaryFolderTest::SetUp();
        torch::set_num_threads(1); // bit-identical arithmetic between runs
        ProgressFeedback feedback;
        SyntheticDatasetOptions synthetic;
        synthetic.seed = 5;
        synthetic.count = 20; // 16 train, 2 val, 2 test
        synthetic.size = 64;
        ASSERT_TRUE(writeSyntheticDataset(dataset(), synthetic, feedback).ok());
    }

    std::filesystem::path dataset() const { return folder() / "synthetic"; }

    TrainingOptions options(const std::string& run) const
    {
        TrainingOptions options;
        options.dataset = dataset();
        options.runDirectory = folder() / run;
        options.epochs = 2;
        options.batchSize = 3;
        options.accumulate = 2; // 16 refs: 6 forward passes, 3 steps per epoch, 6 in all
        options.clipNorm = 1.0;
        options.seed = 11;
        options.device = "cpu";
        options.learningRate = 1e-3;
        options.backboneLearningRate = 1e-4;
        return options;
    }
};

TEST_F(BtddnetTrainerTest, ResumedRunIsBitIdenticalToAnUninterruptedOne)
{
    ProgressFeedback feedback;
    // With the mirror augmentation on, whose draws must also come back with the random state.
    TrainingOptions straightOptions = options("straight");
    straightOptions.mirror = true;
    auto straight = BtddnetTrainer::start(straightOptions, freshNetwork(1));
    ASSERT_TRUE(straight.ok()) << straight.error().message();
    EXPECT_EQ(straight->iterationsPerEpoch(), 3);
    EXPECT_EQ(straight->totalIterations(), 6);
    auto done = straight->run(feedback);
    ASSERT_TRUE(done.ok()) << done.error().message();
    EXPECT_TRUE(done->finished);
    EXPECT_EQ(done->iteration, 6);
    EXPECT_EQ(done->epochsCompleted, 2);

    // The same run paused mid-epoch (step 1), at an epoch's end (3), mid-epoch again (4), each time
    // continued by a new trainer built from the checkpoint alone.
    TrainingOptions paused = options("paused");
    paused.mirror = true;
    paused.stopAfter = 1;
    {
        auto first = BtddnetTrainer::start(paused, freshNetwork(1));
        ASSERT_TRUE(first.ok());
        auto summary = first->run(feedback);
        ASSERT_TRUE(summary.ok()) << summary.error().message();
        EXPECT_FALSE(summary->finished);
        EXPECT_EQ(summary->iteration, 1);
    }
    for (const std::int64_t stop : {3, 4, 0}) {
        paused.stopAfter = stop;
        auto resumed = BtddnetTrainer::resume(paused);
        ASSERT_TRUE(resumed.ok()) << resumed.error().message();
        auto summary = resumed->run(feedback);
        ASSERT_TRUE(summary.ok()) << summary.error().message();
        EXPECT_EQ(summary->finished, stop == 0);
        EXPECT_EQ(summary->iteration, stop == 0 ? 6 : stop);
    }

    auto a = loadTrainingCheckpoint(folder() / "straight" / BtddnetTrainer::checkpointName);
    auto b = loadTrainingCheckpoint(folder() / "paused" / BtddnetTrainer::checkpointName);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(a->progress.iteration, 6);
    EXPECT_EQ(b->progress.iteration, 6);
    EXPECT_EQ(a->progress.epoch, b->progress.epoch);
    EXPECT_EQ(a->progress.epochRandomState, b->progress.epochRandomState);
    EXPECT_EQ(a->progress.bestOIoU, b->progress.bestOIoU);
    ASSERT_EQ(a->modelState.size(), b->modelState.size());
    for (const auto& [name, tensor] : a->modelState)
        EXPECT_TRUE(torch::equal(tensor, b->modelState.at(name))) << name;
    ASSERT_EQ(a->optimizerState.size(), b->optimizerState.size());
    ASSERT_FALSE(a->optimizerState.empty());
    for (const auto& [name, state] : a->optimizerState) {
        const auto& other = b->optimizerState.at(name);
        EXPECT_EQ(state.step, 6) << name;
        EXPECT_EQ(state.step, other.step) << name;
        EXPECT_TRUE(torch::equal(state.expAvg, other.expAvg)) << name;
        EXPECT_TRUE(torch::equal(state.expAvgSq, other.expAvgSq)) << name;
    }
    // The log of the resumed run holds each step once, with the same losses.
    EXPECT_EQ(lossesOf(folder() / "straight" / BtddnetTrainer::logName),
              lossesOf(folder() / "paused" / BtddnetTrainer::logName));
    for (const char* name : {BtddnetTrainer::bestModelName, BtddnetTrainer::lastModelName}) {
        auto model = model::loadBtddnetFile(folder() / "paused" / name);
        EXPECT_TRUE(model.ok()) << name;
    }
}

TEST_F(BtddnetTrainerTest, CheckpointRoundTripAndDamage)
{
    TrainingOptions run = options("run");
    run.stopAfter = 2;
    auto trainer = BtddnetTrainer::start(run, freshNetwork(2));
    ASSERT_TRUE(trainer.ok());
    ProgressFeedback feedback;
    ASSERT_TRUE(trainer->run(feedback).ok());
    const auto path = folder() / "run" / BtddnetTrainer::checkpointName;
    auto loaded = loadTrainingCheckpoint(path);
    ASSERT_TRUE(loaded.ok()) << loaded.error().message();
    EXPECT_EQ(loaded->progress.iteration, 2);
    EXPECT_EQ(loaded->progress.iterationInEpoch, 2);
    const auto live = model::moduleState(*trainer->model());
    ASSERT_EQ(live.size(), loaded->modelState.size());
    for (const auto& [name, tensor] : live)
        EXPECT_TRUE(torch::equal(tensor, loaded->modelState.at(name))) << name;
    for (const auto& [name, state] : trainer->optimizer().state())
        EXPECT_TRUE(torch::equal(state.expAvgSq, loaded->optimizerState.at(name).expAvgSq)) << name;

    // Saved again and reloaded: the same.
    const auto copy = folder() / "copy.safetensors";
    ASSERT_TRUE(saveTrainingCheckpoint(copy, *loaded).ok());
    auto again = loadTrainingCheckpoint(copy);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->progress.epochRandomState, loaded->progress.epochRandomState);
    EXPECT_EQ(again->optionsJson, loaded->optionsJson);

    // Truncated (what a torn write without AtomicFile would leave): refused, naming the file.
    const std::string bytes = readText(copy);
    std::ofstream(copy, std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(bytes.size() / 2));
    auto torn = loadTrainingCheckpoint(copy);
    ASSERT_FALSE(torn.ok());
    EXPECT_NE(torn.error().message().find("copy.safetensors"), std::string::npos);
    // A model file is not a checkpoint.
    auto wrongKind = loadTrainingCheckpoint(folder() / "run" / BtddnetTrainer::lastModelName);
    EXPECT_FALSE(wrongKind.ok());
}

TEST_F(BtddnetTrainerTest, RefusesToOverwriteOrToResumeWithOtherOptions)
{
    TrainingOptions run = options("run");
    run.stopAfter = 1;
    {
        auto trainer = BtddnetTrainer::start(run, freshNetwork(3));
        ASSERT_TRUE(trainer.ok());
        ProgressFeedback feedback;
        ASSERT_TRUE(trainer->run(feedback).ok());
    }
    auto again = BtddnetTrainer::start(run, freshNetwork(3));
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code(), ErrorCode::InvalidArgument);

    TrainingOptions other = run;
    other.batchSize = 4;
    auto mismatched = BtddnetTrainer::resume(other);
    ASSERT_FALSE(mismatched.ok());
    EXPECT_NE(mismatched.error().message().find("batch_size"), std::string::npos);

    auto stored = BtddnetTrainer::storedOptions(other);
    ASSERT_TRUE(stored.ok());
    EXPECT_EQ(stored->batchSize, 3);
    EXPECT_TRUE(BtddnetTrainer::resume(*stored).ok());

    TrainingOptions missing = run;
    missing.runDirectory = folder() / "nowhere";
    EXPECT_FALSE(BtddnetTrainer::resume(missing).ok());
}

TEST_F(BtddnetTrainerTest, CancelWritesACheckpointAtTheStepItStoppedAfter)
{
    TrainingOptions run = options("run");
    run.checkpointEvery = 0; // none mid-epoch: the one found is the cancel's
    auto trainer = BtddnetTrainer::start(run, freshNetwork(4));
    ASSERT_TRUE(trainer.ok());
    ProgressFeedback feedback(std::chrono::milliseconds(0));
    feedback.setListener([&](const ProgressUpdate& update) {
        if (update.fraction >= 2.0 / 6.0 - 1e-9)
            feedback.cancel();
    });
    auto summary = trainer->run(feedback);
    ASSERT_FALSE(summary.ok());
    EXPECT_EQ(summary.error().code(), ErrorCode::Cancelled);
    auto checkpoint = loadTrainingCheckpoint(folder() / "run" / BtddnetTrainer::checkpointName);
    ASSERT_TRUE(checkpoint.ok());
    EXPECT_EQ(checkpoint->progress.iteration, 2);
}

TEST_F(BtddnetTrainerTest, FrozenBackbonesKeepTheirWeightsWhileTheRestTrains)
{
    TrainingOptions run = options("run");
    run.freezeBackbones = true;
    run.maxIterations = 2;
    auto initial = freshNetwork(4);
    std::map<std::string, at::Tensor> before;
    for (const auto& item : initial.model->named_parameters())
        before[item.key()] = item.value().detach().clone();
    auto trainer = BtddnetTrainer::start(run, std::move(initial));
    ASSERT_TRUE(trainer.ok()) << trainer.error().message();
    ProgressFeedback feedback;
    ASSERT_TRUE(trainer->run(feedback).ok());
    std::size_t frozen = 0, trained = 0;
    for (const auto& item : trainer->model()->named_parameters()) {
        const std::string& name = item.key();
        const bool backbone = name.rfind("swin.", 0) == 0 || name.rfind("bert.", 0) == 0;
        const bool same = torch::equal(item.value().detach().cpu(), before.at(name));
        if (backbone) {
            EXPECT_TRUE(same) << name << " changed although the backbones are frozen";
            frozen += 1;
        } else {
            trained += same ? 0 : 1;
        }
    }
    EXPECT_GT(frozen, 10u);
    EXPECT_GT(trained, 10u); // BSC, MCI, the predictor and JR did train
}

TEST_F(BtddnetTrainerTest, EvaluationDoesNotDependOnTheBatchSize)
{
    auto network = freshNetwork(6);
    auto split = openReferringDataset(dataset(), DatasetSplit::Train);
    ASSERT_TRUE(split.ok());
    ProgressFeedback feedback;
    ProgressRange range(feedback, 0.0, 1.0);
    EvaluationOptions one;
    one.batchSize = 1;
    EvaluationOptions five;
    five.batchSize = 5;
    five.prefetch = false;
    auto a = evaluateReferring(network.model, network.tokenizer, **split, one, c10::Device(c10::kCPU), range);
    auto b = evaluateReferring(network.model, network.tokenizer, **split, five, c10::Device(c10::kCPU), range);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(a->scores().samples, 16);
    EXPECT_EQ(a->tableRow(), b->tableRow());
    EXPECT_DOUBLE_EQ(a->scores().oIoU, b->scores().oIoU);
    EXPECT_TRUE(network.model->is_training()) << "the evaluator restores the training mode";

    feedback.cancel();
    auto cancelled = evaluateReferring(network.model, network.tokenizer, **split, one, c10::Device(c10::kCPU), range);
    ASSERT_FALSE(cancelled.ok());
    EXPECT_EQ(cancelled.error().code(), ErrorCode::Cancelled);
}


// A mirrored sample in a batch is the unmirrored one flipped (image and target alike), with its
// expression's direction words mirrored before tokenising.
TEST_F(BtddnetTrainerTest, MirroredSamplesAreFlippedWithTheirDirectionWords)
{
    auto network = freshNetwork(7);
    auto split = openReferringDataset(dataset(), DatasetSplit::Train);
    ASSERT_TRUE(split.ok());
    const std::string sentence = "the red vehicle left of the tank at the top";
    const std::vector<ReferringSample> samples{{2, sentence, {}},
                                               {2, sentence, SampleMirror{true, false}},
                                               {2, sentence, SampleMirror{false, true}},
                                               {2, sentence, SampleMirror{true, true}}};
    const model::BtddnetConfig config = network.model->config();
    auto batch = loadReferringBatch(**split, samples, network.tokenizer, config);
    ASSERT_TRUE(batch.ok()) << batch.error().message();
    ASSERT_GT(batch->targets[0].sum().item<std::int64_t>(), 0);
    EXPECT_FALSE(torch::equal(batch->targets[0], batch->targets[0].flip({-1}))) << "the test needs an asymmetric mask";
    const std::vector<std::vector<std::int64_t>> dims{{-1}, {-2}, {-2, -1}};
    const std::vector<std::string> sentences{"the red vehicle right of the tank at the top",
                                             "the red vehicle left of the tank at the bottom",
                                             "the red vehicle right of the tank at the bottom"};
    for (std::int64_t row = 1; row < 4; ++row) {
        const auto& flip = dims[static_cast<std::size_t>(row - 1)];
        EXPECT_TRUE(torch::equal(batch->images[row], batch->images[0].flip(flip))) << row;
        EXPECT_TRUE(torch::equal(batch->targets[row], batch->targets[0].flip(flip))) << row;
        const EncodedExpressions alone
            = encodeExpressions(network.tokenizer, {sentences[static_cast<std::size_t>(row - 1)]}, config.maxTokens);
        EXPECT_TRUE(torch::equal(batch->text.ids[row], alone.ids[0])) << row;
        EXPECT_TRUE(torch::equal(batch->text.maskedIds[row], alone.maskedIds[0])) << row;
    }
}

// The text path, from the batch to the loss: each row of a batch carries its own sample's tokens;
// with the image fixed, another expression gives other logits (also at initialisation, when the BSC
// gates are closed); the loss sends gradients to the word embeddings of the expression's words and
// not to words it does not hold.
TEST_F(BtddnetTrainerTest, TheExpressionReachesThePredictionAndGetsGradients)
{
    auto network = freshNetwork(8);
    auto split = openReferringDataset(dataset(), DatasetSplit::Train);
    ASSERT_TRUE(split.ok());
    const std::vector<ReferringSample> samples{{0, "the red vehicle on the left"}, {0, "the largest storage tank"},
                                               {1, (*split)->ref(1).sentences.front()}};
    const model::BtddnetConfig config = network.model->config();
    auto batch = loadReferringBatch(**split, samples, network.tokenizer, config);
    ASSERT_TRUE(batch.ok()) << batch.error().message();
    for (std::size_t row = 0; row < samples.size(); ++row) {
        const EncodedExpressions alone = encodeExpressions(network.tokenizer, {samples[row].sentence}, config.maxTokens);
        EXPECT_TRUE(torch::equal(batch->text.ids[static_cast<std::int64_t>(row)], alone.ids[0])) << row;
        EXPECT_TRUE(torch::equal(batch->text.maskedIds[static_cast<std::int64_t>(row)], alone.maskedIds[0])) << row;
    }
    EXPECT_TRUE(torch::equal(batch->images[0], batch->images[1]));
    EXPECT_TRUE(torch::equal(batch->targets[0], batch->targets[1]));

    network.model->train();
    const auto output = network.model->forward(batch->images, batch->text.ids, batch->text.attentionMask,
                                               batch->text.maskedIds, /*withRephrase=*/true);
    const double change = (output.logits[0] - output.logits[1]).abs().max().item<double>();
    EXPECT_GT(change, 1e-4) << "another expression on the same image gives the same logits";

    const auto loss = model::btddnetLoss(output, batch->targets, batch->text.attentionMask, config);
    loss.total.backward();
    const auto gradient = network.model->bert->embeddings->word_embeddings->weight.grad();
    ASSERT_TRUE(gradient.defined());
    const auto ids = batch->text.ids[0];
    const auto attention = batch->text.attentionMask[0];
    for (std::int64_t position = 0; position < ids.size(0); ++position) {
        if (attention[position].item<std::int64_t>() == 0)
            continue;
        const std::int64_t id = ids[position].item<std::int64_t>();
        EXPECT_GT(gradient[id].abs().sum().item<double>(), 0.0) << "no gradient for token " << id;
    }
    const std::int64_t absent = network.tokenizer.idOf("zebra");
    ASSERT_NE(absent, network.tokenizer.idOf("[UNK]"));
    EXPECT_EQ(gradient[absent].abs().sum().item<double>(), 0.0);
}

} // namespace
} // namespace refermap::engine
