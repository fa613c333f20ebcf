#include "ui/log_panel.h"

#include "common/logging.h"
#include "ui/log_panel_sink.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTextCharFormat>
#include <QVBoxLayout>

#include <spdlog/spdlog.h>

#include <algorithm>

namespace refermap::ui {

namespace {

QColor colourFor(int level)
{
    switch (static_cast<spdlog::level::level_enum>(level)) {
    case spdlog::level::trace:
    case spdlog::level::debug:
        return QColor(0x80, 0x80, 0x80);
    case spdlog::level::warn:
        return QColor(0xb3, 0x6b, 0x00);
    case spdlog::level::err:
    case spdlog::level::critical:
        return QColor(0xb0, 0x00, 0x20);
    default:
        return QApplication::palette().color(QPalette::Text);
    }
}

} // namespace

LogPanel::LogPanel(QWidget* parent, int maxLines)
    : QWidget(parent)
    , maxLines_(std::max(1, maxLines))
    , sink_(std::make_shared<LogPanelSink>(this))
{
    setObjectName(QStringLiteral("logPanel"));
    auto* layout = new QVBoxLayout(this);
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Show:"), this));
    levelFilter_ = new QComboBox(this);
    levelFilter_->setObjectName(QStringLiteral("levelFilter"));
    levelFilter_->addItem(tr("Debug and above"), static_cast<int>(spdlog::level::trace));
    levelFilter_->addItem(tr("Information and above"), static_cast<int>(spdlog::level::info));
    levelFilter_->addItem(tr("Warnings and errors"), static_cast<int>(spdlog::level::warn));
    levelFilter_->addItem(tr("Errors only"), static_cast<int>(spdlog::level::err));
    bar->addWidget(levelFilter_);
    bar->addStretch(1);
    auto* copy = new QPushButton(tr("Copy"), this);
    copy->setObjectName(QStringLiteral("copy"));
    auto* clearButton = new QPushButton(tr("Clear"), this);
    clearButton->setObjectName(QStringLiteral("clear"));
    bar->addWidget(copy);
    bar->addWidget(clearButton);
    layout->addLayout(bar);

    view_ = new QPlainTextEdit(this);
    view_->setObjectName(QStringLiteral("logView"));
    view_->setReadOnly(true);
    view_->setMaximumBlockCount(maxLines_); // the view never holds more than the kept records
    view_->setLineWrapMode(QPlainTextEdit::NoWrap);
    view_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    layout->addWidget(view_, 1);

    connect(levelFilter_, &QComboBox::currentIndexChanged, this,
        [this](int index) { setMinimumLevel(levelFilter_->itemData(index).toInt()); });
    connect(copy, &QPushButton::clicked, this, &LogPanel::copyToClipboard);
    connect(clearButton, &QPushButton::clicked, this, &LogPanel::clear);
}

LogPanel::~LogPanel()
{
    uninstall();
    sink_->detach();
}

void LogPanel::installIntoDefaultLogger()
{
    if (installed_)
        return;
    logging::addSink(sink_);
    installed_ = true;
}

void LogPanel::uninstall()
{
    if (!installed_)
        return;
    installed_ = false;
    // spdlog's sink list is not synchronised against concurrent logging, so (like logging::addSink)
    // a new logger without our sink replaces the default one; level, pattern and flush level carry over.
    std::shared_ptr<spdlog::logger> current = spdlog::default_logger();
    if (!current)
        return;
    std::shared_ptr<spdlog::logger> replacement = current->clone(current->name());
    auto& sinks = replacement->sinks();
    sinks.erase(
        std::remove(sinks.begin(), sinks.end(), std::static_pointer_cast<spdlog::sinks::sink>(sink_)), sinks.end());
    spdlog::set_default_logger(std::move(replacement));
}

QString LogPanel::visibleText() const
{
    return view_->toPlainText();
}

void LogPanel::setMinimumLevel(int level)
{
    if (level == minimumLevel_)
        return;
    minimumLevel_ = level;
    const int index = levelFilter_->findData(level);
    if (index >= 0 && index != levelFilter_->currentIndex()) {
        const QSignalBlocker blocker(levelFilter_);
        levelFilter_->setCurrentIndex(index);
    }
    render();
}

void LogPanel::appendRecord(int level, const QString& text)
{
    records_.push_back(Record {level, text});
    while (static_cast<int>(records_.size()) > maxLines_)
        records_.pop_front();
    if (level >= minimumLevel_)
        appendToView(records_.back());
}

void LogPanel::copyToClipboard() const
{
    QApplication::clipboard()->setText(view_->toPlainText());
}

void LogPanel::clear()
{
    records_.clear();
    view_->clear();
    shownLines_ = 0;
}

void LogPanel::render()
{
    view_->clear();
    shownLines_ = 0;
    for (const Record& record : records_)
        if (record.level >= minimumLevel_)
            appendToView(record);
}

void LogPanel::appendToView(const Record& record)
{
    QTextCharFormat format;
    format.setForeground(colourFor(record.level));
    QTextCursor cursor(view_->document());
    cursor.movePosition(QTextCursor::End);
    if (shownLines_++ > 0) // a new line after the first, even when that one was empty
        cursor.insertBlock();
    cursor.insertText(record.text, format);
}

} // namespace refermap::ui
