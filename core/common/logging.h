#pragma once

#include "common/result.h"

#include <spdlog/common.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace refermap::logging {

struct LoggingOptions {
    // Explicit level ("trace" … "off"); when empty, REFERMAP_LOG_LEVEL is read; default "info".
    std::string level;
    bool console = true; // coloured lines on stderr
    // Folder for the rotating log file; empty means defaultLogDirectory(). std::nullopt: no file.
    std::optional<std::filesystem::path> logDirectory = std::filesystem::path();
    std::size_t maxFileBytes = 5 * 1024 * 1024;
    std::size_t maxFiles = 3;
};

// $XDG_DATA_HOME/refermap/logs, else ~/.local/share/refermap/logs. The GUI passes its own
// QStandardPaths location instead, so Qt's test mode keeps tests out of the user's folders.
std::filesystem::path defaultLogDirectory();

// Parses "trace", "debug", "info", "warning"/"warn", "error", "critical", "off" (any case).
Result<spdlog::level::level_enum> parseLevel(const std::string& text);

// Makes the "refermap" logger the default spdlog logger with the requested sinks. Call once from
// an entry point's main thread before other threads log; calling again replaces the sinks.
// Fails (and leaves a console-only logger) on a bad level or an unwritable log folder.
Result<void> initialise(const LoggingOptions& options);

// Adds a sink (e.g. the GUI's log panel); thread-safe with respect to logging.
void addSink(std::shared_ptr<spdlog::sinks::sink> sink);

// Path of the current log file, if a file sink is active.
std::optional<std::filesystem::path> logFile();

} // namespace refermap::logging
