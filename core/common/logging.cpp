#include "common/logging.h"

#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <mutex>
#include <vector>

namespace refermap::logging {

namespace {

std::mutex stateMutex;
std::optional<std::filesystem::path> currentLogFile;

std::string lowerCase(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

void installLogger(std::vector<spdlog::sink_ptr> sinks, spdlog::level::level_enum level)
{
    auto logger = std::make_shared<spdlog::logger>("refermap", sinks.begin(), sinks.end());
    logger->set_level(level);
    logger->set_pattern("%Y-%m-%d %H:%M:%S.%e [%^%l%$] [%t] %v");
    logger->flush_on(spdlog::level::warn);
    spdlog::set_default_logger(std::move(logger));
}

} // namespace

std::filesystem::path defaultLogDirectory()
{
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg)
        return std::filesystem::path(xdg) / "refermap" / "logs";
    if (const char* home = std::getenv("HOME"); home && *home)
        return std::filesystem::path(home) / ".local" / "share" / "refermap" / "logs";
    return std::filesystem::temp_directory_path() / "refermap" / "logs";
}

Result<spdlog::level::level_enum> parseLevel(const std::string& text)
{
    const std::string name = lowerCase(text);
    if (name == "warning" || name == "warn")
        return spdlog::level::warn;
    if (name == "err")
        return spdlog::level::err;
    for (int level = spdlog::level::trace; level < spdlog::level::n_levels; ++level) {
        const auto value = static_cast<spdlog::level::level_enum>(level);
        if (name == spdlog::level::to_string_view(value).data())
            return value;
    }
    return Error(ErrorCode::InvalidArgument, "unknown log level '" + text + "'")
        .withDetail("expected one of trace, debug, info, warning, error, critical, off");
}

Result<void> initialise(const LoggingOptions& options)
{
    std::string levelText = options.level;
    if (levelText.empty()) {
        const char* env = std::getenv("REFERMAP_LOG_LEVEL");
        levelText = env && *env ? env : "info";
    }

    std::vector<spdlog::sink_ptr> sinks;
    if (options.console)
        sinks.push_back(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());

    const auto level = parseLevel(levelText);
    if (!level) {
        installLogger(sinks, spdlog::level::info);
        return level.error().withKey(options.level.empty() ? "REFERMAP_LOG_LEVEL" : "--log-level");
    }

    std::lock_guard lock(stateMutex);
    currentLogFile.reset();
    if (options.logDirectory) {
        const std::filesystem::path folder =
            options.logDirectory->empty() ? defaultLogDirectory() : *options.logDirectory;
        const std::filesystem::path file = folder / "refermap.log";
        try {
            std::filesystem::create_directories(folder);
            auto fileSink = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
                file.string(), options.maxFileBytes, options.maxFiles);
            sinks.push_back(std::move(fileSink));
            currentLogFile = file;
        } catch (const std::exception& e) {
            installLogger(sinks, *level);
            return Error(ErrorCode::PermissionDenied, "cannot open the log file")
                .withFile(file.string())
                .withDetail(e.what());
        }
    }
    installLogger(std::move(sinks), *level);
    return {};
}

void addSink(std::shared_ptr<spdlog::sinks::sink> sink)
{
    std::lock_guard lock(stateMutex);
    auto logger = spdlog::default_logger();
    // spdlog's sink list is not synchronised against concurrent logging: rebuild the logger.
    std::vector<spdlog::sink_ptr> sinks = logger->sinks();
    sinks.push_back(std::move(sink));
    installLogger(std::move(sinks), logger->level());
}

std::optional<std::filesystem::path> logFile()
{
    std::lock_guard lock(stateMutex);
    return currentLogFile;
}

} // namespace refermap::logging
