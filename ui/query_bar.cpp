#include "ui/query_bar.h"

#include <QAbstractItemView>
#include <QComboBox>
#include <QCompleter>
#include <QEvent>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QStringListModel>

#include <algorithm>

namespace refermap::ui {

QueryBar::QueryBar(QWidget* parent, QString settingsKey)
    : QWidget(parent)
    , settingsKey_(std::move(settingsKey))
{
    setObjectName(QStringLiteral("queryBar"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);

    edit_ = new QLineEdit(this);
    edit_->setObjectName(QStringLiteral("queryEdit"));
    edit_->setPlaceholderText(tr("Describe what to find, e.g. the white storage tanks near the harbour"));
    edit_->setClearButtonEnabled(true);
    edit_->setMinimumWidth(320);
    edit_->installEventFilter(this);

    scope_ = new QComboBox(this);
    scope_->setObjectName(QStringLiteral("scope"));
    scope_->addItem(tr("Whole raster"), static_cast<int>(Scope::WholeRaster));
    scope_->addItem(tr("Visible extent"), static_cast<int>(Scope::VisibleExtent));
    scope_->setToolTip(tr("Where to search: the whole raster or only what the map shows now"));

    run_ = new QPushButton(tr("Run"), this);
    run_->setObjectName(QStringLiteral("run"));

    hint_ = new QLabel(tr("Type what to look for first."), this);
    hint_->setObjectName(QStringLiteral("hint"));
    hint_->setStyleSheet(QStringLiteral("color: #b36b00;"));
    hint_->hide();

    layout->addWidget(edit_, 1);
    layout->addWidget(scope_);
    layout->addWidget(run_);
    layout->addWidget(hint_);

    for (const QString& entry : QSettings().value(settingsKey_).toStringList()) {
        const QString trimmed = entry.trimmed();
        if (!trimmed.isEmpty() && !history_.contains(trimmed) && history_.size() < maxHistory)
            history_ << trimmed;
    }
    completions_ = new QStringListModel(history_, this);
    completer_ = new QCompleter(completions_, this);
    completer_->setCaseSensitivity(Qt::CaseInsensitive);
    completer_->setFilterMode(Qt::MatchContains);
    edit_->setCompleter(completer_);

    connect(edit_, &QLineEdit::returnPressed, this, [this] {
        if (!running_)
            submit();
    });
    connect(edit_, &QLineEdit::textEdited, this, [this] {
        hint_->hide();
        historyPosition_ = -1;
    });
    connect(run_, &QPushButton::clicked, this, [this] {
        if (running_)
            emit cancelRequested();
        else
            submit();
    });
}

QString QueryBar::text() const
{
    return edit_->text();
}

void QueryBar::setText(const QString& text)
{
    edit_->setText(text);
}

QueryBar::Scope QueryBar::scope() const
{
    return static_cast<Scope>(scope_->currentData().toInt());
}

void QueryBar::setScope(Scope scope)
{
    scope_->setCurrentIndex(scope_->findData(static_cast<int>(scope)));
}

void QueryBar::clearHistory()
{
    history_.clear();
    completions_->setStringList(history_);
    saveHistory();
}

void QueryBar::setRunning(bool running)
{
    running_ = running;
    run_->setText(running ? tr("Cancel") : tr("Run"));
    run_->setToolTip(running ? tr("Stop the running query") : tr("Run the query (Enter)"));
    edit_->setReadOnly(running);
    scope_->setEnabled(!running);
}

void QueryBar::submit()
{
    const QString query = edit_->text().simplified();
    if (query.isEmpty()) {
        hint_->show();
        edit_->setFocus();
        return;
    }
    hint_->hide();
    remember(query);
    emit queryRequested(query, scope());
}

bool QueryBar::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == edit_ && event->type() == QEvent::KeyPress && !running_) {
        const auto* key = static_cast<QKeyEvent*>(event);
        const bool popupOpen = completer_->popup() && completer_->popup()->isVisible();
        if (!popupOpen && (key->key() == Qt::Key_Up || key->key() == Qt::Key_Down)) {
            browseHistory(key->key() == Qt::Key_Up ? 1 : -1);
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void QueryBar::remember(const QString& query)
{
    history_.removeAll(query);
    history_.prepend(query);
    while (history_.size() > maxHistory)
        history_.removeLast();
    historyPosition_ = -1;
    completions_->setStringList(history_);
    saveHistory();
}

void QueryBar::saveHistory() const
{
    QSettings settings;
    settings.setValue(settingsKey_, history_);
}

// Up goes back in time (step +1), Down forward; past the newest entry the user's own text returns.
void QueryBar::browseHistory(int step)
{
    if (history_.isEmpty())
        return;
    if (historyPosition_ == -1)
        draft_ = edit_->text();
    const int position = std::clamp(historyPosition_ + step, -1, static_cast<int>(history_.size()) - 1);
    if (position == historyPosition_)
        return;
    historyPosition_ = position;
    edit_->setText(position == -1 ? draft_ : history_.at(position));
}

} // namespace refermap::ui
