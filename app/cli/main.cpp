// refermap-cli: ReferMap's jobs without a display. Links core only, never Qt.
#include "cli_commands.h"

#include "common/logging.h"
#include "model/compute_thread_waits.h"

#include <spdlog/spdlog.h>

#include <iostream>
#include <string_view>
#include <vector>

namespace refermap::cli {

int exitCodeFor(const Error& error)
{
    switch (error.code()) {
    case ErrorCode::Cancelled: return ExitCancelled;
    case ErrorCode::InvalidArgument: return ExitUsage;
    default: return ExitFailure;
    }
}

} // namespace refermap::cli

int main(int argc, char** argv)
{
    using namespace refermap;
    // The commands that run the model get their compute threads' waiting settled
    // (model/compute_thread_waits.h); the others start once, without the re-execution.
    for (int i = 1; i < argc; ++i) {
        const std::string_view word = argv[i];
        if (word == "query" || word == "train" || word == "eval" || word == "finetune") {
            model::ComputeThreadWaits::applyUnlessSet(argv);
            break;
        }
    }
    CLI::App app("ReferMap: find what you describe in georeferenced imagery and get a vector layer back.",
                 "refermap-cli");
    app.footer("Exit codes: 0 success, 1 the input could not be processed, 2 bad command line, "
               "130 interrupted.\nRun 'refermap-cli COMMAND --help' for a command's options.");
    app.set_version_flag("--version", REFERMAP_VERSION);
    app.require_subcommand(1);
    std::string logLevel;
    app.add_option("--log-level", logLevel,
                   "trace, debug, info, warning, error, critical or off (default: warning on the "
                   "console; also REFERMAP_LOG_LEVEL)");

    const std::vector<cli::Command> commands = {
        cli::addInfoCommand(app),
        cli::addTokenizeCommand(app),
        cli::addVersionCommand(app),
        cli::addVectorizeCommand(app),
        cli::addQueryCommand(app),
        cli::addModelCommand(app),
        cli::addSynthCommand(app),
        cli::addTrainCommand(app),
        cli::addEvalCommand(app),
        cli::addFinetuneCommand(app),
    };

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? cli::ExitSuccess : cli::ExitUsage;
    }

    logging::LoggingOptions options;
    options.level = logLevel;
    if (logLevel.empty() && !std::getenv("REFERMAP_LOG_LEVEL"))
        options.level = "warning";
    if (auto logged = logging::initialise(options); !logged) {
        std::cerr << "refermap-cli: error: " << logged.error().message() << '\n';
        if (logged.error().code() == ErrorCode::InvalidArgument)
            return cli::ExitUsage;
        // An unwritable log folder is not a reason to refuse the job.
    }

    for (const cli::Command& command : commands) {
        if (command.subcommand->parsed())
            return command.run();
    }
    return cli::ExitUsage;
}
