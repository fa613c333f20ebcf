#include "bundled_resource.h"
#include "cli_commands.h"
#include "terminal_progress.h"

#include "engine/query_runner.h"

#include <spdlog/fmt/fmt.h>

#include <iostream>
#include <memory>
#include <unistd.h>

namespace refermap::cli {

namespace {

constexpr const char* demoModel = "models/refermap-demo-tiny.refermap";

struct QueryCommandOptions {
    engine::QueryOptions query;
    std::string raster;
    std::string model;
    std::string output;
    std::string probability;
    std::string mask;
    std::optional<double> gsd;
    bool restart = false;
    bool quiet = false;
};

int runQueryCommand(QueryCommandOptions& options)
{
    auto fail = [](const Error& error) {
        if (::isatty(STDERR_FILENO))
            std::cerr << '\n';
        std::cerr << "refermap-cli: error: " << error.message() << '\n';
        return exitCodeFor(error);
    };
    engine::QueryOptions& query = options.query;
    query.raster = options.raster;
    query.output = options.output;
    query.probabilityMask = options.probability;
    query.binaryMask = options.mask;
    query.targetGsd = options.gsd;
    query.resume = !options.restart;
    if (options.model.empty()) {
        auto found = findBundledResource(demoModel, "--model FILE");
        if (!found)
            return fail(found.error());
        query.model = *found;
    } else {
        query.model = options.model;
    }

    ProgressFeedback feedback(std::chrono::milliseconds(250));
    showProgress(feedback, "query", options.quiet);
    InterruptCancels interrupts(feedback);
    auto report = engine::runQuery(query, feedback);
    if (!report) {
        if (report.error().code() == ErrorCode::Cancelled)
            std::cerr << "\nrefermap-cli: cancelled; no output was written. Run the same command again to continue "
                         "from the "
                      << engine::runJournalPath(query.output).filename().string() << " journal.\n";
        else
            return fail(report.error());
        return ExitCancelled;
    }
    const auto& tiles = report->tiles;
    std::cout << fmt::format("query: {} feature(s) -> {}\n", report->features, query.output.string())
              << fmt::format("       probabilities -> {}\n", report->probabilityMask.string())
              << fmt::format("       binary mask   -> {}\n", report->binaryMask.string())
              << fmt::format("       {} tile(s): {} processed ({} resumed from the journal), {} without data, {} "
                             "failed; device {}; {:.1f} s ({:.1f} s in the model)\n",
                     tiles.tiles, tiles.processed, report->resumedTiles, tiles.skippedEmpty, tiles.failures.size(),
                     report->device, report->totalSeconds, report->modelSeconds);
    for (const auto& failure : tiles.failures)
        std::cerr << "refermap-cli: warning: tile (" << failure.tile.column << ", " << failure.tile.row
                  << ") failed and has no data: " << failure.error.message() << '\n';
    return tiles.failures.empty() ? ExitSuccess : ExitFailure;
}

} // namespace

Command addQueryCommand(CLI::App& app)
{
    auto options = std::make_shared<QueryCommandOptions>();
    CLI::App* command = app.add_subcommand("query",
        "Find what a text describes in a raster: writes a vector layer plus a probability raster and a binary "
        "mask beside it, all in the raster's CRS.");
    command->footer(
        "Example:\n  refermap-cli query scene.tif \"the white storage tanks near the harbour\" -o tanks.gpkg\n"
        "Interrupted runs (Ctrl-C) leave no output; running the same command again continues where it stopped.");
    command->add_option("RASTER", options->raster, "Any raster GDAL reads (GeoTIFF, COG, VRT, JPEG2000, ...)")
        ->required();
    command->add_option("TEXT", options->query.text, "What to find, in English (quote it)")->required();
    command->add_option("-o,--output", options->output, "Vector output: .gpkg, .geojson/.json or .shp")->required();
    command->add_option("--model", options->model,
        std::string("Model file (default: the bundled demo model, resources/") + demoModel
            + ", small and trained on synthetic scenes)");
    command->add_option("--mask", options->mask, "Binary mask output (default: OUTPUT's stem + .mask.tif)");
    command->add_option("--probability", options->probability,
        "Probability raster output, 0-255 (default: OUTPUT's stem + .probability.tif)");
    command->add_option("--tile", options->query.tileSize, "Tile size in pixels (default: the model's input size)")
        ->check(CLI::Range(32, 4096));
    command->add_option("--overlap", options->query.overlap, "Tile overlap in pixels (default: a quarter of a tile)")
        ->check(CLI::NonNegativeNumber);
    command->add_option("--threshold", options->query.threshold,
        "Foreground where the probability is >= T (default 0.5)")->check(CLI::Range(0.0, 1.0));
    command->add_option("--bands", options->query.bands,
        "Bands to read, 1-based: three for R,G,B or one for grey (default: by colour interpretation)")
        ->delimiter(',');
    command->add_option("--gsd", options->gsd, "Resample to this ground sample distance (CRS units per pixel) first")
        ->check(CLI::PositiveNumber);
    command->add_option("--device", options->query.device, "auto (default), cpu, cuda or cuda:N");
    command->add_option("--batch", options->query.batch, "Tiles per forward pass (default: 8 on CUDA; on the CPU as many tiles as make eight 128-pixel ones, at most 8: 8 for the demo model, 1 for 448-pixel tiles)")
        ->check(CLI::PositiveNumber);
    command->add_option("--threads", options->query.threads, "CPU compute threads (default: all cores)")
        ->check(CLI::NonNegativeNumber);
    command->add_option("--min-area", options->query.minAreaM2, "Drop polygons smaller than this many m²")
        ->check(CLI::NonNegativeNumber);
    command->add_option("--simplify", options->query.simplifyTolerance,
        "Topology-preserving simplification tolerance in the raster CRS's units")->check(CLI::NonNegativeNumber);
    command->add_option("--crs", options->query.epsg, "Vector output CRS as an EPSG code (default: the raster's)");
    command->add_flag("--restart", options->restart, "Ignore the journal of an interrupted run and start over");
    command->add_flag("-q,--quiet", options->quiet, "No progress on stderr");
    return {command, [options]() { return runQueryCommand(*options); }};
}

} // namespace refermap::cli
