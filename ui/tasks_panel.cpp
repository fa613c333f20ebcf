#include "ui/tasks_panel.h"

#include "ui/task_row.h"

#include <QHBoxLayout>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

namespace refermap::ui {

QString etaText(int etaSeconds)
{
    if (etaSeconds < 0)
        return {};
    if (etaSeconds < 5)
        return TasksPanel::tr("less than 5 s left");
    if (etaSeconds < 60)
        return TasksPanel::tr("about %1 s left").arg((etaSeconds + 4) / 5 * 5);
    if (etaSeconds < 2 * 3600)
        return TasksPanel::tr("about %1 min left").arg((etaSeconds + 30) / 60);
    return TasksPanel::tr("about %1 h left").arg((etaSeconds + 1800) / 3600);
}

TasksPanel::TasksPanel(TaskManager& manager, QWidget* parent)
    : QWidget(parent)
    , manager_(manager)
{
    setObjectName(QStringLiteral("tasksPanel"));
    auto* layout = new QVBoxLayout(this);
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    auto* rows = new QWidget(scroll);
    rowsLayout_ = new QVBoxLayout(rows);
    rowsLayout_->addStretch(1);
    scroll->setWidget(rows);
    layout->addWidget(scroll, 1);

    auto* buttons = new QHBoxLayout;
    buttons->addStretch(1);
    clearButton_ = new QPushButton(tr("Clear finished"), this);
    clearButton_->setObjectName(QStringLiteral("clearFinished"));
    buttons->addWidget(clearButton_);
    layout->addLayout(buttons);
    connect(clearButton_, &QPushButton::clicked, this, &TasksPanel::clearFinished);

    connect(&manager_, &TaskManager::submitted, this, &TasksPanel::addRow);
    connect(&manager_, &TaskManager::started, this, [this](TaskId id) {
        if (TaskRow* found = row(id))
            found->markStarted();
    });
    connect(
        &manager_, &TaskManager::progress, this, [this](TaskId id, double fraction, const QString& message, int eta) {
            if (TaskRow* found = row(id))
                found->setProgress(fraction, message, eta);
        });
    connect(&manager_, &TaskManager::finished, this, [this](TaskId id, bool ok, const QString& error) {
        if (TaskRow* found = row(id))
            found->markFinished(ok, error);
        updateClearButton();
    });
    connect(&manager_, &TaskManager::cancelled, this, [this](TaskId id) {
        if (TaskRow* found = row(id))
            found->markCancelled();
        updateClearButton();
    });
    updateClearButton();
}

TaskRow* TasksPanel::row(TaskId id) const
{
    const auto found = rows_.find(id);
    return found == rows_.end() ? nullptr : found->second;
}

void TasksPanel::addRow(TaskId id, const QString& title)
{
    auto* taskRow = new TaskRow(id, title);
    rowsLayout_->insertWidget(rowsLayout_->count() - 1, taskRow); // above the stretch
    rows_.emplace(id, taskRow);
    connect(taskRow, &TaskRow::cancelRequested, &manager_, &TaskManager::cancel);
    updateClearButton();
}

void TasksPanel::clearFinished()
{
    for (auto it = rows_.begin(); it != rows_.end();) {
        if (it->second->hasEnded()) {
            delete it->second;
            it = rows_.erase(it);
        } else {
            ++it;
        }
    }
    updateClearButton();
}

void TasksPanel::updateClearButton()
{
    bool anyEnded = false;
    for (const auto& [id, taskRow] : rows_)
        anyEnded = anyEnded || taskRow->hasEnded();
    clearButton_->setEnabled(anyEnded);
}

} // namespace refermap::ui
