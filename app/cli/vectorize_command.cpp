#include "cli_commands.h"

#include "geo/mask_vectorizer.h"
#include "geo/vector_export.h"
#include "terminal_progress.h"

#include <cmath>
#include <iostream>
#include <memory>
#include <optional>
#include <unistd.h>

namespace refermap::cli {

Command addVectorizeCommand(CLI::App& app)
{
    struct Options {
        std::string mask;
        std::string output;
        double minArea = 0.0;
        double simplify = 0.0;
        std::optional<int> epsg;
        std::optional<double> threshold;
        std::string query;
        std::string model;
        std::string runId;
        bool verbose = false;
    };
    auto options = std::make_shared<Options>();
    CLI::App* command = app.add_subcommand(
        "vectorize", "Turn a mask or probability raster into polygons (GeoPackage, GeoJSON or Shapefile).");
    command
        ->add_option("MASK", options->mask,
            "Single-band mask (0/1, 0/255) or probability raster (Byte 0-255, "
            "Float 0-1)")
        ->required();
    command->add_option("-o,--output", options->output, "Output file: .gpkg, .geojson/.json or .shp")->required();
    command->add_option("--min-area", options->minArea, "Drop polygons smaller than this many m² (default 0)")
        ->check(CLI::NonNegativeNumber);
    command
        ->add_option("--simplify", options->simplify,
            "Topology-preserving simplification tolerance in the raster CRS's units (default 0: none)")
        ->check(CLI::NonNegativeNumber);
    command->add_option("--crs", options->epsg,
        "Output CRS as an EPSG code (default: the raster's; GeoJSON is "
        "always 4326)");
    command->add_option("--threshold", options->threshold,
        "Foreground is value >= T (default: 0.5 for floats, 1 for 0/1 masks, 128 for Byte)");
    command->add_option("--query", options->query, "Text stored in the 'query' attribute");
    command->add_option("--model", options->model, "Model id stored in the 'model' attribute");
    command->add_option("--run-id", options->runId, "Run id stored in the 'run_id' attribute");
    command->add_flag("-v,--verbose", options->verbose, "Print progress on stderr");

    return {command, [options]() {
                ProgressFeedback feedback(std::chrono::milliseconds(500));
                if (options->verbose || ::isatty(STDERR_FILENO)) {
                    feedback.setListener([](const ProgressUpdate& update) {
                        std::cerr << "vectorize: " << static_cast<int>(std::floor(update.fraction * 100.0)) << "% "
                                  << update.message << '\n';
                    });
                }
                auto fail = [](const Error& error) {
                    std::cerr << "refermap-cli: error: " << error.message() << '\n';
                    return exitCodeFor(error);
                };
                // Check the output's format first, so a typo costs no processing.
                if (auto format = geo::vectorFormatForPath(options->output); !format)
                    return fail(format.error());

                geo::VectorizeOptions vectorize;
                vectorize.threshold = options->threshold;
                vectorize.minAreaM2 = options->minArea;
                vectorize.simplifyTolerance = options->simplify;
                vectorize.query = options->query;
                vectorize.model = options->model;
                vectorize.runId = options->runId;
                geo::ExportOptions exportOptions;
                exportOptions.epsg = options->epsg;
                // Ctrl-C cancels `feedback`: the job stops at its next check and removes its files.
                InterruptCancels interrupts(feedback);
                // Streams from the mask through a temporary GeoPackage into the output, so a large mask's
                // features never sit in memory; `feedback` goes in as is, so its cancel reaches every step.
                auto written
                    = geo::vectorizeMaskToFile(options->mask, options->output, vectorize, exportOptions, &feedback);
                if (!written)
                    return fail(written.error());
                std::cout << "vectorize: " << *written << " feature(s) written to " << options->output << '\n';
                return static_cast<int>(ExitSuccess);
            }};
}

} // namespace refermap::cli
