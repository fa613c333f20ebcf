#include "cli_commands.h"

#include "engine/runtime_report.h"

#include <iostream>

namespace refermap::cli {

Command addVersionCommand(CLI::App& app)
{
    CLI::App* command = app.add_subcommand("version", "Show the versions of ReferMap and its libraries, the BLAS in use and the GPUs.");
    return {command, []() {
        std::cout << engine::collectRuntimeReport().toText() << '\n';
        return static_cast<int>(ExitSuccess);
    }};
}

} // namespace refermap::cli
