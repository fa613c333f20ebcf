#pragma once

#include "ui/task_manager.h"

#include <QString>
#include <QWidget>

#include <map>

class QPushButton;
class QVBoxLayout;

namespace refermap::ui {

class TaskRow;

// "about 2 min left", "about 40 s left", "less than 5 s left", "" for no estimate (etaSeconds < 0).
QString etaText(int etaSeconds);

// The contents of the Tasks dock: one row per task of a TaskManager (title, progress bar, ETA,
// Cancel button). Ended rows stay, showing done / failed (the error text visible and as tooltip) /
// cancelled, until "Clear finished" removes them. GUI thread only; `manager` must outlive the panel.
class TasksPanel : public QWidget {
    Q_OBJECT

public:
    explicit TasksPanel(TaskManager& manager, QWidget* parent = nullptr);

    int rowCount() const { return static_cast<int>(rows_.size()); }
    // The row of a task (objectName "taskRow<id>"), or null when unknown or cleared.
    TaskRow* row(TaskId id) const;

public slots:
    void clearFinished();

private:
    void addRow(TaskId id, const QString& title);
    void updateClearButton();

    TaskManager& manager_;
    QVBoxLayout* rowsLayout_ = nullptr;
    QPushButton* clearButton_ = nullptr;
    std::map<TaskId, TaskRow*> rows_;
};

} // namespace refermap::ui
