// PLACEHOLDER: replaced by the real command (work in progress this session).
#include "cli_commands.h"

namespace refermap::cli {

Command addModelCommand(CLI::App& app)
{
    CLI::App* command = app.add_subcommand("model", "(not built yet)");
    return {command, []() { return static_cast<int>(ExitFailure); }};
}

} // namespace refermap::cli
