#pragma once

#include <QString>
#include <QWidget>

#include <deque>
#include <memory>

class QComboBox;
class QPlainTextEdit;

namespace refermap::ui {

class LogPanelSink;

// The contents of the Log dock: the application's log records (from any thread, through an spdlog
// sink) in a read-only view, coloured by level, filtered by a minimum level, with Copy and Clear.
// At most `maxLines` records are kept (older ones are dropped), so memory does not grow with the
// session. GUI thread only.
class LogPanel : public QWidget {
    Q_OBJECT

public:
    explicit LogPanel(QWidget* parent = nullptr, int maxLines = 5000);
    // Removes the sink from the default logger (when installed) and detaches it.
    ~LogPanel() override;

    // Adds this panel's sink to spdlog's default logger (logging::addSink); undone by
    // uninstall() or the destructor. Installing twice does nothing.
    void installIntoDefaultLogger();
    void uninstall();
    bool isInstalled() const { return installed_; }

    // The sink, for a logger of one's own (tests, a subsystem).
    std::shared_ptr<LogPanelSink> sink() const { return sink_; }

    int maxLines() const { return maxLines_; }
    int lineCount() const { return static_cast<int>(records_.size()); } // kept records, any level
    // The text shown now (records at or above the filter level, one per line).
    QString visibleText() const;
    // spdlog::level::level_enum values: records below it are hidden (kept, shown again when lowered).
    void setMinimumLevel(int level);
    int minimumLevel() const { return minimumLevel_; }

public slots:
    void appendRecord(int level, const QString& text);
    void copyToClipboard() const;
    void clear();

private:
    struct Record {
        int level;
        QString text;
    };

    void render();
    void appendToView(const Record& record);

    const int maxLines_;
    std::deque<Record> records_;
    int minimumLevel_ = 0;
    int shownLines_ = 0; // records appended to the view since it was last cleared
    bool installed_ = false;
    std::shared_ptr<LogPanelSink> sink_;
    QComboBox* levelFilter_ = nullptr;
    QPlainTextEdit* view_ = nullptr;
};

} // namespace refermap::ui
