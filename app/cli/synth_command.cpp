#include "cli_commands.h"

#include "engine/synthetic_dataset_writer.h"
#include "engine/synthetic_scene_generator.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <csignal>
#include <iostream>
#include <memory>
#include <unistd.h>
#include <vector>

namespace refermap::cli {
namespace {

// Ctrl-C asks the running job to stop at its next check; the job then removes what it wrote.
std::atomic<ProgressFeedback*> activeFeedback{nullptr};

extern "C" void cancelSynth(int)
{
    if (ProgressFeedback* feedback = activeFeedback.load())
        feedback->cancel();
}

struct CancelOnInterrupt {
    explicit CancelOnInterrupt(ProgressFeedback& feedback)
    {
        activeFeedback.store(&feedback);
        previousInt_ = std::signal(SIGINT, cancelSynth);
        previousTerm_ = std::signal(SIGTERM, cancelSynth);
    }
    ~CancelOnInterrupt()
    {
        std::signal(SIGINT, previousInt_);
        std::signal(SIGTERM, previousTerm_);
        activeFeedback.store(nullptr);
    }
    CancelOnInterrupt(const CancelOnInterrupt&) = delete;
    CancelOnInterrupt& operator=(const CancelOnInterrupt&) = delete;

private:
    void (*previousInt_)(int) = SIG_DFL;
    void (*previousTerm_)(int) = SIG_DFL;
};

} // namespace

Command addSynthCommand(CLI::App& app)
{
    struct Options {
        std::uint64_t seed = 0;
        long long count = 0;
        int size = 128;
        std::string output;
        bool overwrite = false;
        std::string demoScene;
        std::string demoMask;
        double objectScale = 384;
        std::vector<std::string> kinds;
        std::string target;
        std::string targetColour;
        bool verbose = false;
    };
    auto options = std::make_shared<Options>();
    CLI::App* command = app.add_subcommand(
        "synth",
        "Generate the synthetic referring benchmark: remote-sensing-like scenes (vehicles, ships, storage tanks, "
        "buildings, tennis courts, ground track fields, bridges, roads) with expressions that single out one object "
        "by colour, position, size or relation, written as a RefSegRS-layout folder that train and eval read. "
        "With --demo-scene, write one larger georeferenced harbour scene instead.");
    command->add_option("--seed", options->seed, "Random seed; the same seed gives the same files (default 0)");
    command->add_option("--count", options->count, "Number of scenes (split 80/10/10 into train/val/test)");
    command->add_option("--size", options->size, "Scene width and height in pixels, 64-8192 (default 128; demo 1024)");
    command->add_option("-o,--output", options->output, "Output folder (created; must not exist or be empty)");
    command->add_flag("--overwrite", options->overwrite, "Replace a non-empty output folder");
    command->add_option("--demo-scene", options->demoScene,
                        "Write one harbour scene as a Cloud-Optimised GeoTIFF (EPSG:32633, 0.5 m) to this file "
                        "and print its referring expression");
    command->add_option("--demo-mask", options->demoMask, "With --demo-scene: also write the target's 0/255 mask here");
    command->add_option("--object-scale", options->objectScale,
                        "Objects are sized as in a scene of this many pixels, at most twice --size (default: --size; "
                        "with --demo-scene 384); above --size, objects are larger relative to the scene");
    command->add_option("--kinds", options->kinds,
                        "Only these expression kinds, comma-separated: attribute, relation, position, size "
                        "(default: all)")
        ->delimiter(',');
    command->add_option("--target", options->target,
                        "Every scene's target is of this category: vehicle, ship, storage-tank, building, "
                        "tennis-court, ground-track-field, bridge, road, or airplane, a kind the default benchmark "
                        "(and the bundled demo model) never has (default: a mix of the first eight)");
    command->add_option("--target-colour", options->targetColour,
                        "Every scene's target is painted in this colour and named by it: purple, which the default "
                        "benchmark (and the bundled demo model) never has, or one of red, blue, green, white, black, "
                        "grey, yellow, orange, brown (default: drawn from the target's palette)");
    command->add_flag("-v,--verbose", options->verbose, "Print progress on stderr even when it is not a terminal");

    return {command, [options, command]() {
                auto fail = [](const Error& error) {
                    std::cerr << "refermap-cli: error: " << error.message() << '\n';
                    return exitCodeFor(error);
                };
                ProgressFeedback feedback(std::chrono::milliseconds(500));
                CancelOnInterrupt interrupt(feedback);

                if (!options->demoScene.empty()) {
                    if (!options->output.empty() || options->count != 0)
                        return fail(Error(ErrorCode::InvalidArgument,
                                          "--demo-scene writes one scene: leave out --output and --count"));
                    if (command->count("--target") || command->count("--target-colour"))
                        return fail(Error(ErrorCode::InvalidArgument,
                                          "--demo-scene writes the harbour scene: leave out --target and --target-colour"));
                    engine::DemoSceneOptions demo;
                    demo.seed = options->seed;
                    demo.size = command->count("--size") ? options->size : 1024;
                    demo.objectScale = options->objectScale;
                    demo.maskPath = options->demoMask;
                    auto scene = engine::writeDemoScene(options->demoScene, demo);
                    if (!scene)
                        return fail(scene.error());
                    std::cout << "synth: demo scene written to " << options->demoScene << " (" << demo.size << "x"
                              << demo.size << " px, EPSG:" << engine::kSyntheticEpsg << ", "
                              << engine::kSyntheticGsd << " m)\n"
                              << "expression: " << scene->expression.text << '\n';
                    return static_cast<int>(ExitSuccess);
                }

                if (options->output.empty())
                    return fail(Error(ErrorCode::InvalidArgument, "no output folder: give -o DIR (or --demo-scene FILE)"));
                if (options->count < 1 || options->count > static_cast<long long>(engine::kMaxSyntheticCount))
                    return fail(Error(ErrorCode::InvalidArgument, "--count must be between 1 and "
                                                                      + std::to_string(engine::kMaxSyntheticCount))
                                    .withDetail("got " + std::to_string(options->count)));
                if (options->size < engine::kMinSyntheticSceneSize || options->size > engine::kMaxSyntheticSceneSize)
                    return fail(Error(ErrorCode::InvalidArgument,
                                      "--size must be between " + std::to_string(engine::kMinSyntheticSceneSize)
                                          + " and " + std::to_string(engine::kMaxSyntheticSceneSize) + " pixels")
                                    .withDetail("got " + std::to_string(options->size)));
                const bool terminal = ::isatty(STDERR_FILENO) != 0;
                if (options->verbose || terminal) {
                    feedback.setListener([terminal](const ProgressUpdate& update) {
                        std::cerr << (terminal ? "\r" : "") << "synth: "
                                  << static_cast<int>(std::floor(update.fraction * 100.0)) << "% " << update.message;
                        if (update.eta)
                            std::cerr << ", " << (update.eta->count() + 999) / 1000 << " s left";
                        std::cerr << (terminal ? "   " : "\n") << std::flush;
                    });
                }
                engine::SyntheticDatasetOptions dataset;
                dataset.seed = options->seed;
                dataset.count = static_cast<std::size_t>(options->count);
                dataset.size = options->size;
                if (command->count("--object-scale"))
                    dataset.objectScale = options->objectScale;
                for (const std::string& name : options->kinds) {
                    bool known = false;
                    for (engine::ExpressionKind kind : {engine::ExpressionKind::Attribute, engine::ExpressionKind::Relation,
                                                        engine::ExpressionKind::Position, engine::ExpressionKind::Size}) {
                        if (name == engine::expressionKindName(kind)) {
                            known = true;
                            if (std::find(dataset.kinds.begin(), dataset.kinds.end(), kind) == dataset.kinds.end())
                                dataset.kinds.push_back(kind);
                        }
                    }
                    if (!known)
                        return fail(Error(ErrorCode::InvalidArgument, "unknown expression kind '" + name + "'")
                                        .withKey("kinds")
                                        .withDetail("use attribute, relation, position or size"));
                }
                if (command->count("--target")) {
                    auto category = engine::parseSceneCategory(options->target);
                    if (!category)
                        return fail(category.error().withKey("target"));
                    dataset.targetCategory = *category;
                }
                if (command->count("--target-colour")) {
                    auto colour = engine::parseSceneColour(options->targetColour);
                    if (!colour)
                        return fail(colour.error().withKey("target-colour"));
                    dataset.targetColour = *colour;
                }
                dataset.overwrite = options->overwrite;
                auto summary = engine::writeSyntheticDataset(options->output, dataset, feedback);
                if (terminal)
                    std::cerr << '\n';
                if (!summary)
                    return fail(summary.error());
                std::cout << "synth: " << options->count << " scene(s) of " << options->size << " px written to "
                          << summary->folder.string() << " (train " << summary->train << ", val " << summary->val
                          << ", test " << summary->test << ")\n";
                return static_cast<int>(ExitSuccess);
            }};
}

} // namespace refermap::cli
