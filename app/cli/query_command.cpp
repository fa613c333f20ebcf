// PLACEHOLDER: replaced by the real command (work in progress this session).
#include "cli_commands.h"

namespace refermap::cli {

Command addQueryCommand(CLI::App& app)
{
    CLI::App* command = app.add_subcommand("query", "(not built yet)");
    return {command, []() { return static_cast<int>(ExitFailure); }};
}

} // namespace refermap::cli
