// PLACEHOLDER: replaced by the real command (work in progress this session).
#include "cli_commands.h"

namespace refermap::cli {

Command addEvalCommand(CLI::App& app)
{
    CLI::App* command = app.add_subcommand("eval", "(not built yet)");
    return {command, []() { return static_cast<int>(ExitFailure); }};
}

} // namespace refermap::cli
