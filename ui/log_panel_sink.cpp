#include "ui/log_panel_sink.h"

#include "ui/log_panel.h"

#include <QMetaObject>
#include <QString>

#include <spdlog/pattern_formatter.h>

namespace refermap::ui {

LogPanelSink::LogPanelSink(LogPanel* panel)
    : panel_(panel)
{
    // Time, level and text; the thread and logger name are in the log file for those who need them.
    formatter_ = std::make_unique<spdlog::pattern_formatter>("%H:%M:%S.%e %l: %v");
}

void LogPanelSink::detach()
{
    std::lock_guard lock(mutex_);
    panel_ = nullptr;
}

void LogPanelSink::sink_it_(const spdlog::details::log_msg& message)
{
    if (!panel_)
        return;
    spdlog::memory_buf_t formatted;
    formatter_->format(message, formatted);
    QString text = QString::fromUtf8(formatted.data(), static_cast<qsizetype>(formatted.size())).trimmed();
    const int level = static_cast<int>(message.level);
    LogPanel* panel = panel_;
    // The panel is alive here: it detaches (under this same mutex) before it is destroyed, and a call
    // still queued when it dies is dropped by Qt together with the receiver.
    QMetaObject::invokeMethod(
        panel, [panel, level, text = std::move(text)] { panel->appendRecord(level, text); }, Qt::QueuedConnection);
}

} // namespace refermap::ui
