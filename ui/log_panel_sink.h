#pragma once

#include <spdlog/sinks/base_sink.h>

#include <memory>
#include <mutex>
#include <string>

namespace refermap::ui {

class LogPanel;

// The spdlog sink behind the LogPanel: formats each record on the logging thread and hands it to
// the panel's (GUI) thread with a queued call, so any thread may log. detach() (called by the panel
// before it dies) makes later records go nowhere; the sink itself may outlive the panel inside a
// logger that another thread still holds.
class LogPanelSink final : public spdlog::sinks::base_sink<std::mutex> {
public:
    explicit LogPanelSink(LogPanel* panel);

    void detach();

protected:
    void sink_it_(const spdlog::details::log_msg& message) override;
    void flush_() override { }
    // Keep our short pattern: logging::addSink() sets the log file's long pattern on every sink.
    void set_pattern_(const std::string&) override { }
    void set_formatter_(std::unique_ptr<spdlog::formatter>) override { }

private:
    LogPanel* panel_; // guarded by base_sink's mutex_
};

} // namespace refermap::ui
