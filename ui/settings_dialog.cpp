#include "ui/settings_dialog.h"

#include "model/compute_device.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace refermap::ui {

SettingsDialog::SettingsDialog(const AppSettings& current, QWidget* parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("settingsDialog"));
    setWindowTitle(tr("Settings"));
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;

    modelFile_ = new QLineEdit(this);
    modelFile_->setObjectName(QStringLiteral("modelFile"));
    auto* browse = new QPushButton(tr("Browse…"), this);
    auto* modelRow = new QHBoxLayout;
    modelRow->addWidget(modelFile_, 1);
    modelRow->addWidget(browse);
    form->addRow(tr("Model file:"), modelRow);

    device_ = new QComboBox(this);
    device_->setObjectName(QStringLiteral("device"));
    device_->setEditable(true); // cuda:N for a device that is not plugged in now
    device_->addItem(tr("Automatic (GPU when available)"), QStringLiteral("auto"));
    device_->addItem(tr("CPU"), QStringLiteral("cpu"));
    for (int index = 0; index < model::cudaDeviceCount(); ++index)
        device_->addItem(tr("GPU %1 (CUDA)").arg(index), QStringLiteral("cuda:%1").arg(index));
    form->addRow(tr("Device:"), device_);

    tileSize_ = new QSpinBox(this);
    tileSize_->setObjectName(QStringLiteral("tileSize"));
    tileSize_->setRange(0, 8192);
    tileSize_->setSpecialValueText(tr("Model default"));
    tileSize_->setSuffix(tr(" px"));
    form->addRow(tr("Tile size:"), tileSize_);

    overlap_ = new QSpinBox(this);
    overlap_->setObjectName(QStringLiteral("overlap"));
    overlap_->setRange(-1, 4096);
    overlap_->setSpecialValueText(tr("A quarter of the tile"));
    overlap_->setSuffix(tr(" px"));
    form->addRow(tr("Tile overlap:"), overlap_);

    threshold_ = new QDoubleSpinBox(this);
    threshold_->setObjectName(QStringLiteral("threshold"));
    threshold_->setRange(0.0, 1.0);
    threshold_->setDecimals(2);
    threshold_->setSingleStep(0.05);
    form->addRow(tr("Threshold:"), threshold_);

    bands_ = new QLineEdit(this);
    bands_->setObjectName(QStringLiteral("bands"));
    bands_->setPlaceholderText(tr("Automatic, or e.g. 3, 2, 1"));
    form->addRow(tr("Bands:"), bands_);

    stretchLow_ = new QDoubleSpinBox(this);
    stretchLow_->setObjectName(QStringLiteral("stretchLow"));
    stretchHigh_ = new QDoubleSpinBox(this);
    stretchHigh_->setObjectName(QStringLiteral("stretchHigh"));
    for (QDoubleSpinBox* box : {stretchLow_, stretchHigh_}) {
        box->setRange(0.0, 100.0);
        box->setDecimals(1);
        box->setSuffix(tr(" %"));
    }
    auto* stretchRow = new QHBoxLayout;
    stretchRow->addWidget(stretchLow_);
    stretchRow->addWidget(new QLabel(tr("to"), this));
    stretchRow->addWidget(stretchHigh_);
    form->addRow(tr("Contrast stretch percentiles:"), stretchRow);

    language_ = new QComboBox(this);
    language_->setObjectName(QStringLiteral("language"));
    language_->addItem(tr("System language"), QStringLiteral("system"));
    language_->addItem(QStringLiteral("English"), QStringLiteral("en"));
    language_->addItem(QStringLiteral("Deutsch"), QStringLiteral("de"));
    language_->addItem(QString::fromUtf8("简体中文"), QStringLiteral("zh_CN"));
    form->addRow(tr("Language (after a restart):"), language_);
    layout->addLayout(form);

    problems_ = new QLabel(this);
    problems_->setObjectName(QStringLiteral("problems"));
    problems_->setWordWrap(true);
    problems_->setStyleSheet(QStringLiteral("color: #b00020;"));
    problems_->hide();
    layout->addWidget(problems_);

    auto* buttons = new QDialogButtonBox(
        QDialogButtonBox::Ok | QDialogButtonBox::Cancel | QDialogButtonBox::RestoreDefaults, this);
    buttons->setObjectName(QStringLiteral("buttons"));
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);
    connect(buttons->button(QDialogButtonBox::RestoreDefaults), &QPushButton::clicked, this,
        &SettingsDialog::restoreDefaults);
    connect(browse, &QPushButton::clicked, this, &SettingsDialog::chooseModel);
    connect(modelFile_, &QLineEdit::textChanged, this, [this] {
        if (!problems_->isHidden())
            showProblems(); // once shown, keep the reasons current while the user fixes them
    });

    setSettings(current);
}

AppSettings SettingsDialog::settings() const
{
    AppSettings result;
    result.modelFile = modelFile_->text().trimmed();
    const int deviceIndex = device_->findText(device_->currentText());
    result.device = deviceIndex >= 0 ? device_->itemData(deviceIndex).toString() : device_->currentText().trimmed();
    result.tileSize = tileSize_->value();
    result.overlap = overlap_->value();
    result.threshold = threshold_->value();
    bandsValid_ = true;
    for (const QString& part : bands_->text().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const int band = part.trimmed().toInt(&ok);
        if (!ok)
            bandsValid_ = false;
        result.bands << (ok ? band : 0); // 0 is reported by problems() as "not a band"
    }
    result.stretchLowPercent = stretchLow_->value();
    result.stretchHighPercent = stretchHigh_->value();
    result.language = language_->currentData().toString();
    return result;
}

void SettingsDialog::setSettings(const AppSettings& settings)
{
    modelFile_->setText(settings.modelFile);
    const int deviceIndex = device_->findData(settings.device);
    if (deviceIndex >= 0)
        device_->setCurrentIndex(deviceIndex);
    else
        device_->setEditText(settings.device);
    tileSize_->setValue(settings.tileSize);
    overlap_->setValue(settings.overlap);
    threshold_->setValue(settings.threshold);
    QStringList bandTexts;
    for (int band : settings.bands)
        bandTexts << QString::number(band);
    bands_->setText(bandTexts.join(QStringLiteral(", ")));
    stretchLow_->setValue(settings.stretchLowPercent);
    stretchHigh_->setValue(settings.stretchHighPercent);
    const int languageIndex = language_->findData(settings.language);
    language_->setCurrentIndex(languageIndex >= 0 ? languageIndex : 0);
    if (!problems_->isHidden())
        showProblems();
}

QString SettingsDialog::problemText() const
{
    return !problems_->isHidden() ? problems_->text() : QString();
}

void SettingsDialog::accept()
{
    showProblems();
    if (!problems_->isHidden())
        return; // stay open: the user sees why
    QDialog::accept();
}

void SettingsDialog::restoreDefaults()
{
    setSettings(AppSettings::defaults());
}

void SettingsDialog::chooseModel()
{
    const QString start = modelFile_->text().isEmpty() ? QString() : QFileInfo(modelFile_->text()).absolutePath();
    const QString chosen = QFileDialog::getOpenFileName(
        this, tr("Choose a ReferMap model"), start, tr("ReferMap models (*.refermap);;All files (*)"));
    if (!chosen.isEmpty())
        modelFile_->setText(chosen);
}

void SettingsDialog::showProblems()
{
    QStringList found = settings().problems();
    if (!bandsValid_)
        found.prepend(tr("Bands must be numbers separated by commas, e.g. 3, 2, 1."));
    problems_->setText(found.join(QLatin1Char('\n')));
    problems_->setVisible(!found.isEmpty());
}

} // namespace refermap::ui
