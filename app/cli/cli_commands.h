#pragma once

#include "common/error.h"

#include <CLI/CLI.hpp>

#include <functional>

namespace refermap::cli {

// Documented exit codes of refermap-cli (also in `refermap-cli --help` and docs/cli.md).
enum ExitCode : int {
    ExitSuccess = 0,
    ExitFailure = 1,   // the input could not be processed (missing file, bad data, I/O error)
    ExitUsage = 2,     // the command line itself is wrong
    ExitCancelled = 130, // interrupted (Ctrl-C); nothing half-written is left behind
};

int exitCodeFor(const Error& error);

// Each command registers its subcommand on the app and returns it with the action to run (and the
// exit code to return) when the user chose it.
struct Command {
    CLI::App* subcommand = nullptr;
    std::function<int()> run;
};
Command addInfoCommand(CLI::App& app);
Command addTokenizeCommand(CLI::App& app);
Command addVersionCommand(CLI::App& app);
Command addVectorizeCommand(CLI::App& app);
Command addQueryCommand(CLI::App& app);
Command addModelCommand(CLI::App& app);
Command addSynthCommand(CLI::App& app);
Command addTrainCommand(CLI::App& app);
Command addEvalCommand(CLI::App& app);
Command addFinetuneCommand(CLI::App& app);

} // namespace refermap::cli
