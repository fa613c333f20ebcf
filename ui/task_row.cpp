#include "ui/task_row.h"

#include "ui/tasks_panel.h"

#include <QGridLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>

#include <algorithm>
#include <cmath>

namespace refermap::ui {

TaskRow::TaskRow(TaskId id, const QString& title, QWidget* parent)
    : QFrame(parent)
    , id_(id)
{
    setObjectName(QStringLiteral("taskRow%1").arg(id));
    setFrameShape(QFrame::StyledPanel);
    auto* layout = new QGridLayout(this);
    title_ = new QLabel(title, this);
    title_->setObjectName(QStringLiteral("title"));
    title_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    bar_ = new QProgressBar(this);
    bar_->setObjectName(QStringLiteral("progress"));
    bar_->setRange(0, 1000); // permille: smooth for long jobs
    bar_->setValue(0);
    bar_->setTextVisible(false);
    status_ = new QLabel(tr("Waiting…"), this);
    status_->setObjectName(QStringLiteral("status"));
    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    cancel_ = new QPushButton(tr("Cancel"), this);
    cancel_->setObjectName(QStringLiteral("cancel"));
    layout->addWidget(title_, 0, 0);
    layout->addWidget(cancel_, 0, 1, 2, 1);
    layout->addWidget(bar_, 1, 0);
    layout->addWidget(status_, 2, 0, 1, 2);
    connect(cancel_, &QPushButton::clicked, this, [this] {
        cancel_->setEnabled(false); // once: the job stops at its next check
        status_->setText(tr("Cancelling…"));
        emit cancelRequested(id_);
    });
}

QString TaskRow::statusText() const
{
    return status_->text();
}

int TaskRow::progressPercent() const
{
    return bar_->value() / 10;
}

void TaskRow::markStarted()
{
    if (state_ != State::Queued)
        return;
    state_ = State::Running;
    if (cancel_->isEnabled())
        status_->setText(tr("Starting…"));
}

void TaskRow::setProgress(double fraction, const QString& message, int etaSeconds)
{
    if (hasEnded())
        return;
    state_ = State::Running;
    bar_->setValue(static_cast<int>(std::lround(std::clamp(fraction, 0.0, 1.0) * 1000)));
    if (!cancel_->isEnabled())
        return; // keep "Cancelling…"
    const QString eta = etaText(etaSeconds);
    QStringList parts;
    parts << QStringLiteral("%1 %").arg(static_cast<int>(std::floor(fraction * 100)));
    if (!message.isEmpty())
        parts << message;
    if (!eta.isEmpty())
        parts << eta;
    status_->setText(parts.join(QStringLiteral(" · ")));
}

void TaskRow::markFinished(bool ok, const QString& errorText)
{
    if (ok) {
        bar_->setValue(bar_->maximum());
        endWith(State::Done, tr("Done"));
    } else {
        endWith(State::Failed, tr("Failed: %1").arg(errorText));
        status_->setToolTip(errorText);
        setToolTip(errorText);
        status_->setStyleSheet(QStringLiteral("color: #b00020;"));
    }
}

void TaskRow::markCancelled()
{
    endWith(State::Cancelled, tr("Cancelled"));
}

void TaskRow::endWith(State state, const QString& text)
{
    state_ = state;
    status_->setText(text);
    cancel_->hide();
}

} // namespace refermap::ui
