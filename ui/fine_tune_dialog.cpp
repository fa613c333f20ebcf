#include "ui/fine_tune_dialog.h"

#include "model/compute_device.h"
#include "ui/app_settings.h"
#include "ui/fine_tune_chart.h"
#include "ui/layer_model.h"
#include "ui/main_window.h"
#include "ui/map_layer.h"
#include "ui/project_controller.h"
#include "ui/query_controller.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleValidator>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QMetaObject>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

#include <spdlog/spdlog.h>

#include <filesystem>
#include <system_error>

namespace refermap::ui {

namespace {

// Learning rates are small numbers: shown as 1e-04, typed in either notation.
QString rateText(double rate)
{
    return QLocale().toString(rate, 'g', 3);
}

std::optional<double> parseRate(const QString& text)
{
    bool ok = false;
    double value = QLocale().toDouble(text.trimmed(), &ok);
    if (!ok)
        value = QLocale::c().toDouble(text.trimmed(), &ok);
    if (!ok || !(value > 0.0) || value >= 1.0)
        return std::nullopt;
    return value;
}

QString percent(double share)
{
    return QLocale().toString(share * 100.0, 'f', 1) + QStringLiteral(" %");
}

bool samePath(const QString& a, const QString& b)
{
    std::error_code failed;
    const auto canonicalA = std::filesystem::weakly_canonical(a.toStdString(), failed);
    const auto canonicalB = std::filesystem::weakly_canonical(b.toStdString(), failed);
    return !failed && canonicalA == canonicalB;
}

} // namespace

FineTuneDialog::FineTuneDialog(MainWindow& window, QWidget* parent)
    : QDialog(parent)
    , window_(window)
{
    setObjectName(QStringLiteral("fineTuneDialog"));
    setModal(false);
    const engine::FineTuneOptions defaults;
    const AppSettings settings = window_.settings();

    projectLabel_ = new QLabel(this);
    projectLabel_->setObjectName(QStringLiteral("projectLabel"));
    projectLabel_->setWordWrap(true);

    baseModel_ = new QLineEdit(this);
    baseModel_->setObjectName(QStringLiteral("baseModel"));
    chooseBase_ = new QPushButton(this);
    connect(chooseBase_, &QPushButton::clicked, this, &FineTuneDialog::chooseBaseModel);
    auto* baseRow = new QHBoxLayout;
    baseRow->addWidget(baseModel_, 1);
    baseRow->addWidget(chooseBase_);

    layers_ = new QListWidget(this);
    layers_->setObjectName(QStringLiteral("layers"));
    layers_->setMaximumHeight(110);
    connect(layers_, &QListWidget::itemChanged, this, &FineTuneDialog::updateState);

    epochs_ = new QSpinBox(this);
    epochs_->setObjectName(QStringLiteral("epochs"));
    epochs_->setRange(1, 1000);
    epochs_->setValue(defaults.epochs);
    maxSteps_ = new QSpinBox(this);
    maxSteps_->setObjectName(QStringLiteral("maxSteps"));
    maxSteps_->setRange(0, 1000000);
    maxSteps_->setValue(static_cast<int>(defaults.maxIterations));
    batch_ = new QSpinBox(this);
    batch_->setObjectName(QStringLiteral("batchSize"));
    batch_->setRange(1, 256);
    batch_->setValue(defaults.batchSize);

    auto* rateValidator = new QDoubleValidator(0.0, 1.0, 12, this);
    rateValidator->setNotation(QDoubleValidator::ScientificNotation);
    learningRate_ = new QLineEdit(rateText(defaults.learningRate), this);
    learningRate_->setObjectName(QStringLiteral("learningRate"));
    learningRate_->setValidator(rateValidator);
    backboneRate_ = new QLineEdit(rateText(defaults.backboneLearningRate), this);
    backboneRate_->setObjectName(QStringLiteral("backboneLearningRate"));
    backboneRate_->setValidator(rateValidator);

    freeze_ = new QComboBox(this);
    freeze_->setObjectName(QStringLiteral("freeze"));
    freeze_->addItem(QString(), QString::fromLatin1(engine::fineTuneFreezeName(engine::FineTuneFreeze::None)));
    freeze_->addItem(QString(), QString::fromLatin1(engine::fineTuneFreezeName(engine::FineTuneFreeze::Backbones)));
    freeze_->setCurrentIndex(defaults.freeze == engine::FineTuneFreeze::Backbones ? 1 : 0);
    // Frozen backbones do not train: their learning rate means nothing then.
    connect(freeze_, &QComboBox::currentIndexChanged, this, &FineTuneDialog::updateState);
    mirror_ = new QCheckBox(this);
    mirror_->setObjectName(QStringLiteral("mirror"));
    mirror_->setChecked(defaults.mirror);

    validationPercent_ = new QSpinBox(this);
    validationPercent_->setObjectName(QStringLiteral("validationPercent"));
    validationPercent_->setRange(1, 90);
    validationPercent_->setSuffix(QStringLiteral(" %"));
    validationPercent_->setValue(static_cast<int>(defaults.validationShare * 100.0 + 0.5));

    device_ = new QComboBox(this);
    device_->setObjectName(QStringLiteral("device"));
    device_->setEditable(true); // cuda:N for a device that is not plugged in now
    device_->addItem(QString(), QStringLiteral("auto"));
    device_->addItem(QString(), QStringLiteral("cpu"));
    for (int index = 0; index < model::cudaDeviceCount(); ++index)
        device_->addItem(QString(), QStringLiteral("cuda:%1").arg(index));

    output_ = new QLineEdit(this);
    output_->setObjectName(QStringLiteral("output"));
    connect(output_, &QLineEdit::textChanged, this, &FineTuneDialog::updateState);
    chooseOutput_ = new QPushButton(this);
    connect(chooseOutput_, &QPushButton::clicked, this, &FineTuneDialog::chooseOutput);
    auto* outputRow = new QHBoxLayout;
    outputRow->addWidget(output_, 1);
    outputRow->addWidget(chooseOutput_);

    auto* form = new QFormLayout;
    auto label = [this](QLabel*& created) {
        created = new QLabel(this);
        return created;
    };
    form->addRow(label(baseLabel_), baseRow);
    form->addRow(label(layersLabel_), layers_);
    form->addRow(label(epochsLabel_), epochs_);
    form->addRow(label(maxStepsLabel_), maxSteps_);
    form->addRow(label(batchLabel_), batch_);
    form->addRow(label(learningRateLabel_), learningRate_);
    form->addRow(label(backboneRateLabel_), backboneRate_);
    form->addRow(label(freezeLabel_), freeze_);
    form->addRow(QString(), mirror_);
    form->addRow(label(validationLabel_), validationPercent_);
    form->addRow(label(deviceLabel_), device_);
    form->addRow(label(outputLabel_), outputRow);

    chart_ = new FineTuneChart(this);
    chart_->setObjectName(QStringLiteral("chart"));

    progress_ = new QProgressBar(this);
    progress_->setObjectName(QStringLiteral("progress"));
    progress_->setRange(0, 1000);
    progress_->setValue(0);
    eta_ = new QLabel(this);
    eta_->setObjectName(QStringLiteral("eta"));
    cancel_ = new QPushButton(this);
    cancel_->setObjectName(QStringLiteral("cancelButton"));
    connect(cancel_, &QPushButton::clicked, this, &FineTuneDialog::cancel);
    auto* progressRow = new QHBoxLayout;
    progressRow->addWidget(progress_, 1);
    progressRow->addWidget(eta_);
    progressRow->addWidget(cancel_);

    message_ = new QLabel(this);
    message_->setObjectName(QStringLiteral("message"));
    message_->setWordWrap(true);
    message_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    results_ = new QTableWidget(3, 2, this);
    results_->setObjectName(QStringLiteral("results"));
    results_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    results_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    results_->setMaximumHeight(120);
    summary_ = new QLabel(this);
    summary_->setObjectName(QStringLiteral("summary"));
    summary_->setWordWrap(true);

    start_ = new QPushButton(this);
    start_->setObjectName(QStringLiteral("startButton"));
    start_->setDefault(true);
    connect(start_, &QPushButton::clicked, this, [this] { start(); });
    startOver_ = new QCheckBox(this);
    startOver_->setObjectName(QStringLiteral("startOver"));
    useModel_ = new QPushButton(this);
    useModel_->setObjectName(QStringLiteral("useModelButton"));
    connect(useModel_, &QPushButton::clicked, this, [this] { useNewModel(); });
    close_ = new QPushButton(this);
    connect(close_, &QPushButton::clicked, this, &QDialog::close);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(start_);
    buttons->addWidget(startOver_);
    buttons->addStretch(1);
    buttons->addWidget(useModel_);
    buttons->addWidget(close_);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(projectLabel_);
    layout->addLayout(form);
    layout->addWidget(chart_, 1);
    layout->addLayout(progressRow);
    layout->addWidget(message_);
    layout->addWidget(results_);
    layout->addWidget(summary_);
    layout->addLayout(buttons);

    TaskManager& tasks = window_.tasks();
    connect(&tasks, &TaskManager::progress, this, &FineTuneDialog::progressed);
    connect(&tasks, &TaskManager::finished, this, &FineTuneDialog::ended);
    connect(&tasks, &TaskManager::cancelled, this, [this](TaskId id) {
        if (id != running_)
            return;
        running_ = 0;
        showMessage(tr("Cancelled. The checkpoint in %1 is kept: Resume continues from it.")
                        .arg(QDir::toNativeSeparators(runFolder())),
                    false);
        updateState();
        emit fineTuneCancelled();
    });

    retranslate();
    const int deviceIndex = device_->findData(settings.device);
    if (deviceIndex >= 0)
        device_->setCurrentIndex(deviceIndex);
    else
        device_->setEditText(settings.device);
    resize(640, 860);
    refresh();
}

void FineTuneDialog::retranslate()
{
    setWindowTitle(tr("Fine-tune on Corrections"));
    baseLabel_->setText(tr("Base model:"));
    chooseBase_->setText(tr("Browse…"));
    layersLabel_->setText(tr("Edited layers:"));
    layers_->setToolTip(tr("The mask layers you corrected; the checked ones are learnt from."));
    epochsLabel_->setText(tr("Epochs:"));
    maxStepsLabel_->setText(tr("Maximum steps:"));
    maxSteps_->setSpecialValueText(tr("No limit"));
    batchLabel_->setText(tr("Batch size:"));
    learningRateLabel_->setText(tr("Learning rate:"));
    backboneRateLabel_->setText(tr("Backbone learning rate:"));
    freezeLabel_->setText(tr("Freeze:"));
    freeze_->setItemText(0, tr("Nothing (every weight trains)"));
    freeze_->setItemText(1, tr("Backbones (Swin and BERT)"));
    mirror_->setText(tr("Mirror samples (left–right and top–bottom, direction words too)"));
    mirror_->setToolTip(tr("Each training sample is also seen mirrored, with words such as \"left\" and \"north\" "
                           "swapped to match, so a few corrections go further."));
    validationLabel_->setText(tr("Validation share:"));
    validationPercent_->setToolTip(tr("The share of the samples held out to measure the model before and after."));
    deviceLabel_->setText(tr("Device:"));
    device_->setItemText(0, tr("Automatic (GPU when available)"));
    device_->setItemText(1, tr("CPU"));
    for (int index = 2; index < device_->count(); ++index)
        device_->setItemText(index, tr("GPU %1 (CUDA)").arg(index - 2));
    outputLabel_->setText(tr("New model file:"));
    chooseOutput_->setText(tr("Browse…"));
    startOver_->setText(tr("Start over"));
    startOver_->setToolTip(tr("Discard the interrupted run's checkpoint and train from the base model again."));
    cancel_->setText(tr("Cancel"));
    useModel_->setText(tr("Use this model and re-run query"));
    close_->setText(tr("Close"));
    results_->setHorizontalHeaderLabels({tr("Base model"), tr("Fine-tuned")});
    results_->setVerticalHeaderLabels({tr("mIoU"), tr("oIoU"), tr("Pr@0.5")});
    chart_->retranslate();
    updateState();
}

void FineTuneDialog::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange && start_)
        retranslate();
    QDialog::changeEvent(event);
}

void FineTuneDialog::refresh()
{
    ProjectController& project = window_.project();
    projectLabel_->setText(project.hasProject()
                               ? tr("Project: %1").arg(QDir::toNativeSeparators(project.path()))
                               : tr("This session has no project file. Save it as a project first (File › Save "
                                    "Project As…): the fine-tune reads your corrections from the project."));
    if (running_ != 0)
        return; // the form describes the run in progress

    baseModel_->setText(window_.settings().modelFile);

    // Edited layers, keeping the user's choices of the layers listed before (new ones are checked).
    std::vector<std::pair<MaskLayer*, bool>> before;
    for (int row = 0; row < layers_->count() && row < static_cast<int>(listed_.size()); ++row)
        if (listed_[static_cast<std::size_t>(row)])
            before.emplace_back(listed_[static_cast<std::size_t>(row)].data(), layers_->item(row)->checkState() == Qt::Checked);
    const QSignalBlocker blocker(layers_);
    layers_->clear();
    listed_.clear();
    for (MaskLayer* layer : window_.layers().maskLayers()) {
        if (!layer->isEdited())
            continue;
        auto* item = new QListWidgetItem(layers_);
        item->setText(layer->raster() ? tr("%1 (over %2)").arg(layer->name(), layer->raster()->name()) : layer->name());
        item->setToolTip(tr("Query: %1").arg(layer->queryText()));
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable);
        bool checked = true;
        for (const auto& [known, wasChecked] : before)
            if (known == layer)
                checked = wasChecked;
        item->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
        listed_.emplace_back(layer);
    }
    if (layers_->count() > 0 && layers_->currentRow() < 0)
        layers_->setCurrentRow(0);

    // A new default output unless the user chose one.
    const QString proposed = defaultOutput();
    if (output_->text().isEmpty() || output_->text() == defaultOutput_)
        output_->setText(proposed);
    defaultOutput_ = proposed;

    if (layers_->count() == 0)
        showMessage(tr("No edited mask layer: correct the mask of a query with the brush, eraser or polygon tools "
                       "first; the fine-tune learns from your corrections."),
                    true);
    else if (!project.hasProject())
        showMessage(tr("Save the project first (File › Save Project As…)."), true);
    else
        showMessage(QString(), false);
    updateState();
}

QString FineTuneDialog::defaultOutput() const
{
    const QString projectPath = window_.project().path();
    if (projectPath.isEmpty())
        return {};
    const QFileInfo info(projectPath);
    QString stem = info.fileName();
    for (const QString& suffix : {QStringLiteral(".refermap.gpkg"), QStringLiteral(".gpkg")})
        if (stem.endsWith(suffix, Qt::CaseInsensitive)) {
            stem.chop(suffix.size());
            break;
        }
    // The first free name; an interrupted run keeps its output name free, so it is offered again
    // (and resumed).
    for (int n = 1;; ++n) {
        const QString candidate = info.dir().filePath(QStringLiteral("%1-finetuned-%2.refermap").arg(stem).arg(n));
        if (!QFileInfo::exists(candidate) && !samePath(candidate, baseModel_->text()))
            return candidate;
    }
}

engine::FineTuneOptions FineTuneDialog::options() const
{
    engine::FineTuneOptions options;
    options.project = window_.project().path().toStdString();
    options.baseModel = baseModel_->text().trimmed().toStdString();
    options.output = output_->text().trimmed().toStdString();
    options.restart = canResume() && startOver_->isChecked();
    for (int row = 0; row < layers_->count() && row < static_cast<int>(listed_.size()); ++row) {
        const MaskLayer* layer = listed_[static_cast<std::size_t>(row)].data();
        if (layer && layers_->item(row)->checkState() == Qt::Checked && layer->projectId() > 0)
            options.layers.push_back(layer->projectId());
    }
    options.validationShare = validationPercent_->value() / 100.0;
    options.epochs = epochs_->value();
    options.maxIterations = maxSteps_->value();
    options.batchSize = batch_->value();
    if (auto rate = parseRate(learningRate_->text()))
        options.learningRate = *rate;
    if (auto rate = parseRate(backboneRate_->text()))
        options.backboneLearningRate = *rate;
    options.freeze = freeze_->currentIndex() == 0 ? engine::FineTuneFreeze::None : engine::FineTuneFreeze::Backbones;
    options.mirror = mirror_->isChecked();
    const int deviceIndex = device_->findText(device_->currentText());
    options.device = (deviceIndex >= 0 ? device_->itemData(deviceIndex).toString() : device_->currentText().trimmed())
                         .toStdString();
    return options;
}

QString FineTuneDialog::runFolder() const
{
    const QString output = output_->text().trimmed();
    if (output.isEmpty())
        return QString();
    engine::FineTuneOptions location;
    location.output = output.toStdString();
    return QString::fromStdString(engine::fineTuneRunDirectory(location).string());
}

bool FineTuneDialog::canResume() const
{
    engine::FineTuneOptions location;
    location.output = output_->text().trimmed().toStdString();
    return engine::fineTuneCanResume(location);
}

void FineTuneDialog::updateState()
{
    if (!start_)
        return;
    const bool running = running_ != 0;
    const bool resumable = !running && canResume();
    start_->setText(resumable ? tr("Resume") : tr("Start"));
    startOver_->setVisible(resumable);
    bool anyChecked = false;
    for (int row = 0; row < layers_->count(); ++row)
        anyChecked = anyChecked || layers_->item(row)->checkState() == Qt::Checked;
    start_->setEnabled(!running && anyChecked && window_.project().hasProject() && !output_->text().trimmed().isEmpty());
    cancel_->setEnabled(running);
    useModel_->setEnabled(!running && report_.has_value());
    for (QWidget* field : std::initializer_list<QWidget*>{baseModel_, chooseBase_, layers_, epochs_, maxSteps_, batch_,
                                                          learningRate_, freeze_, mirror_, validationPercent_, device_, output_,
                                                          chooseOutput_, startOver_})
        field->setEnabled(!running);
    backboneRate_->setEnabled(!running && freeze_->currentIndex() == 0);
}

void FineTuneDialog::showMessage(const QString& text, bool error)
{
    if (text == message_->text())
        return; // refresh() repeats its advice: shown and logged once
    message_->setText(text);
    message_->setStyleSheet(error ? QStringLiteral("color: #b00020;") : QString());
    if (!text.isEmpty()) {
        if (error)
            spdlog::warn("fine-tune: {}", text.toStdString());
        else
            spdlog::info("fine-tune: {}", text.toStdString());
    }
}

QString FineTuneDialog::message() const
{
    return message_->text();
}

int FineTuneDialog::lossPointCount() const
{
    return chart_->lossPointCount();
}

int FineTuneDialog::validationPointCount() const
{
    return chart_->validationPointCount();
}

void FineTuneDialog::chooseBaseModel()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Base Model"), baseModel_->text(),
                                                      tr("ReferMap models (*.refermap);;All files (*)"));
    if (!path.isEmpty())
        baseModel_->setText(path);
}

void FineTuneDialog::chooseOutput()
{
    QString path = QFileDialog::getSaveFileName(this, tr("New Model File"), output_->text(),
                                                tr("ReferMap models (*.refermap)"));
    if (path.isEmpty())
        return;
    if (!path.endsWith(QStringLiteral(".refermap")))
        path += QStringLiteral(".refermap");
    output_->setText(path);
}

bool FineTuneDialog::start()
{
    if (running_ != 0)
        return false;
    ProjectController& project = window_.project();
    if (!project.hasProject()) {
        showMessage(tr("Save the project first (File › Save Project As…): the fine-tune reads your corrections "
                       "from the project file."),
                    true);
        return false;
    }
    std::vector<MaskLayer*> chosen;
    for (int row = 0; row < layers_->count() && row < static_cast<int>(listed_.size()); ++row)
        if (MaskLayer* layer = listed_[static_cast<std::size_t>(row)].data();
            layer && layers_->item(row)->checkState() == Qt::Checked)
            chosen.push_back(layer);
    if (chosen.empty()) {
        showMessage(tr("Choose at least one edited layer to learn from."), true);
        return false;
    }
    for (const auto& [field, text] : {std::pair{learningRate_, learningRate_->text()},
                                      std::pair{backboneRate_, backboneRate_->text()}})
        if (!parseRate(text)) {
            showMessage(tr("The learning rate '%1' is not a number between 0 and 1.").arg(text), true);
            field->setFocus();
            return false;
        }
    const QString base = baseModel_->text().trimmed();
    const QString output = output_->text().trimmed();
    if (base.isEmpty() || !QFileInfo::exists(base)) {
        showMessage(tr("The base model '%1' does not exist.").arg(QDir::toNativeSeparators(base)), true);
        return false;
    }
    if (output.isEmpty() || samePath(base, output)) {
        showMessage(tr("Choose a new model file: the base model is never overwritten."), true);
        return false;
    }
    // The engine reads the corrections from the file: what is only in memory is saved first.
    if (project.isDirty()) {
        if (auto saved = window_.saveCurrentProject(); !saved) {
            showMessage(tr("The project could not be saved: %1").arg(QString::fromStdString(saved.error().message())),
                        true);
            return false;
        }
    }
    for (const MaskLayer* layer : chosen)
        if (layer->projectId() <= 0) {
            showMessage(tr("The layer %1 is not in the project file yet; save the project and try again.")
                            .arg(layer->name()),
                        true);
            return false;
        }

    const engine::FineTuneOptions options = this->options();
    if (auto valid = options.validate(); !valid) {
        showMessage(QString::fromStdString(valid.error().message()), true);
        return false;
    }

    const bool resuming = canResume() && !options.restart;
    report_.reset();
    chart_->clear();
    results_->clearContents();
    summary_->clear();
    progress_->setValue(0);
    eta_->clear();

    // The observer runs on the training thread: each point is queued to the GUI thread, where the
    // dialog (if it still exists) adds it to the chart. Points are posted before the task's end, so
    // the chart has them all when the task reports.
    const QPointer<FineTuneDialog> guard(this);
    std::function<Result<engine::FineTuneReport>(ProgressFeedback&)> job = [options, guard](ProgressFeedback& feedback) {
        return engine::runFineTune(options, feedback, [guard](const engine::FineTunePoint& point) {
            QMetaObject::invokeMethod(
                qApp,
                [guard, point] {
                    if (guard)
                        guard->chart_->addPoint(point);
                },
                Qt::QueuedConnection);
        });
    };
    std::function<void(engine::FineTuneReport)> done = [guard](engine::FineTuneReport report) {
        if (!guard)
            return;
        guard->report_ = report;
        guard->showReport(report);
    };
    running_ = window_.tasks().start<engine::FineTuneReport>(
        tr("Fine-tune: %1").arg(QFileInfo(output).fileName()), std::move(job), std::move(done));
    showMessage(resuming ? tr("Resuming the interrupted fine-tune…") : tr("Fine-tuning…"), false);
    updateState();
    return true;
}

void FineTuneDialog::cancel()
{
    if (running_ != 0)
        window_.tasks().cancel(running_);
}

void FineTuneDialog::progressed(TaskId id, double fraction, const QString& message, int etaSeconds)
{
    if (id != running_)
        return;
    progress_->setValue(static_cast<int>(fraction * 1000.0 + 0.5));
    QString text = message;
    if (etaSeconds >= 0) {
        const QString left = etaSeconds >= 3600 ? tr("%1 h %2 min left").arg(etaSeconds / 3600).arg(etaSeconds % 3600 / 60)
            : etaSeconds >= 60                  ? tr("%1 min %2 s left").arg(etaSeconds / 60).arg(etaSeconds % 60)
                                                : tr("%1 s left").arg(etaSeconds);
        text = text.isEmpty() ? left : tr("%1 — %2").arg(text, left);
    }
    eta_->setText(text);
}

void FineTuneDialog::ended(TaskId id, bool ok, const QString& error)
{
    if (id != running_)
        return;
    running_ = 0;
    eta_->clear();
    if (!ok) {
        showMessage(tr("The fine-tune failed: %1").arg(error), true);
        updateState();
        emit fineTuneFinished(false, error);
        return;
    }
    progress_->setValue(progress_->maximum());
    const QString written = report_ ? QString::fromStdString(report_->output.string()) : output_->text();
    showMessage(tr("The new model is %1.").arg(QDir::toNativeSeparators(written)), false);
    // The next run gets a name of its own (the output exists now).
    if (output_->text() == defaultOutput_) {
        defaultOutput_ = defaultOutput();
        output_->setText(defaultOutput_);
    }
    updateState();
    emit fineTuneFinished(true, QString());
}

void FineTuneDialog::showReport(const engine::FineTuneReport& report)
{
    const std::array<std::pair<double, double>, 3> rows{{{report.before.mIoU, report.after.mIoU},
                                                         {report.before.oIoU, report.after.oIoU},
                                                         {report.before.precisionAt[0], report.after.precisionAt[0]}}};
    for (int row = 0; row < 3; ++row) {
        const auto& [before, after] = rows[static_cast<std::size_t>(row)];
        results_->setItem(row, 0, new QTableWidgetItem(percent(before)));
        results_->setItem(row, 1, new QTableWidgetItem(percent(after)));
        for (int column = 0; column < 2; ++column)
            results_->item(row, column)->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    }
    QString summary = tr("Learnt from %1 training samples of %n layer(s) in %2 steps (%3 s); measured on %4 "
                         "held-out samples.",
                         nullptr, static_cast<int>(report.layers))
                          .arg(report.trainSamples)
                          .arg(report.iterations)
                          .arg(QLocale().toString(report.seconds, 'f', 1))
                          .arg(report.validationSamples);
    if (report.resumed)
        summary += QLatin1Char(' ') + tr("An interrupted run was continued.");
    summary_->setText(summary);
}

MaskLayer* FineTuneDialog::selectedLayer() const
{
    const int current = layers_->currentRow();
    if (current >= 0 && current < static_cast<int>(listed_.size()) && listed_[static_cast<std::size_t>(current)])
        return listed_[static_cast<std::size_t>(current)].data();
    for (int row = 0; row < layers_->count() && row < static_cast<int>(listed_.size()); ++row)
        if (listed_[static_cast<std::size_t>(row)] && layers_->item(row)->checkState() == Qt::Checked)
            return listed_[static_cast<std::size_t>(row)].data();
    return nullptr;
}

bool FineTuneDialog::useNewModel()
{
    if (!report_) {
        showMessage(tr("Run a fine-tune first."), true);
        return false;
    }
    MaskLayer* layer = selectedLayer();
    if (!layer || !layer->raster()) {
        showMessage(tr("Select the layer whose query should run again."), true);
        return false;
    }
    if (window_.queries().isRunning()) {
        showMessage(tr("A query is already running; cancel it or wait."), true);
        return false;
    }
    AppSettings settings = window_.settings();
    settings.modelFile = QString::fromStdString(report_->output.string());
    window_.setSettings(settings);
    if (!window_.queries().run(layer->raster(), layer->queryText(), settings)) {
        showMessage(tr("The query '%1' could not be started.").arg(layer->queryText()), true);
        return false;
    }
    showMessage(tr("%1 is now the active model; running '%2' again with it…")
                    .arg(QFileInfo(settings.modelFile).fileName(), layer->queryText()),
                false);
    return true;
}

} // namespace refermap::ui
