#pragma once

#include <QStringList>
#include <QWidget>

class QComboBox;
class QCompleter;
class QLabel;
class QLineEdit;
class QPushButton;
class QStringListModel;

namespace refermap::ui {

// The query bar of the main toolbar: the user types what to find, picks where (the whole raster or
// the visible extent) and presses Enter or Run. While a query runs (setRunning(true)) the Run button
// becomes Cancel. Queries are remembered (most recent first, no duplicates, at most 50) in QSettings
// under `settingsKey` and offered by a completer and by the Up/Down keys. Empty or whitespace-only text
// is not run; a hint says why. GUI thread only.
class QueryBar : public QWidget {
    Q_OBJECT

public:
    enum class Scope { WholeRaster, VisibleExtent };
    Q_ENUM(Scope)

    static constexpr int maxHistory = 50;

    explicit QueryBar(QWidget* parent = nullptr, QString settingsKey = QStringLiteral("queryBar/history"));

    QString text() const;
    void setText(const QString& text);
    Scope scope() const;
    void setScope(Scope scope);
    bool isRunning() const { return running_; }
    QStringList history() const { return history_; } // most recent first
    void clearHistory();

public slots:
    void setRunning(bool running);
    // What Enter and Run do: emits queryRequested() for non-blank text (trimmed), else shows the hint.
    void submit();

signals:
    void queryRequested(const QString& text, refermap::ui::QueryBar::Scope scope);
    void cancelRequested();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void remember(const QString& query);
    void saveHistory() const;
    void browseHistory(int step);

    const QString settingsKey_;
    QStringList history_;
    int historyPosition_ = -1; // -1: the user's own text; 0..: an entry of history_
    QString draft_; // the user's own text while browsing
    bool running_ = false;
    QLineEdit* edit_ = nullptr;
    QComboBox* scope_ = nullptr;
    QPushButton* run_ = nullptr;
    QLabel* hint_ = nullptr;
    QStringListModel* completions_ = nullptr;
    QCompleter* completer_ = nullptr;
};

} // namespace refermap::ui
