#pragma once

#include "ui/task_manager.h"

#include <QFrame>

class QLabel;
class QProgressBar;
class QPushButton;

namespace refermap::ui {

// One task in the TasksPanel: title, progress bar, status line (message and ETA, or the outcome)
// and a Cancel button while it is active. GUI thread only.
class TaskRow : public QFrame {
    Q_OBJECT

public:
    enum class State { Queued, Running, Done, Failed, Cancelled };
    Q_ENUM(State)

    TaskRow(TaskId id, const QString& title, QWidget* parent = nullptr);

    TaskId id() const { return id_; }
    State state() const { return state_; }
    bool hasEnded() const { return state_ == State::Done || state_ == State::Failed || state_ == State::Cancelled; }
    QString statusText() const;
    int progressPercent() const;

    void markStarted();
    void setProgress(double fraction, const QString& message, int etaSeconds);
    void markFinished(bool ok, const QString& errorText);
    void markCancelled();

signals:
    void cancelRequested(refermap::ui::TaskId id);

private:
    void endWith(State state, const QString& text);

    const TaskId id_;
    State state_ = State::Queued;
    QLabel* title_ = nullptr;
    QProgressBar* bar_ = nullptr;
    QLabel* status_ = nullptr;
    QPushButton* cancel_ = nullptr;
};

} // namespace refermap::ui
