#pragma once

#include "ui/app_settings.h"

#include <QDialog>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace refermap::ui {

// Edits AppSettings: model file (with a file chooser), device, tile size, overlap, threshold, bands,
// stretch percentiles and language. OK accepts only valid settings (AppSettings::problems(); the
// reasons are shown in the dialog), Cancel discards, Restore Defaults fills in AppSettings::defaults().
// The caller reads settings() after exec() == Accepted and saves them. GUI thread only.
class SettingsDialog : public QDialog {
    Q_OBJECT

public:
    explicit SettingsDialog(const AppSettings& current, QWidget* parent = nullptr);

    // What the fields say now (valid or not).
    AppSettings settings() const;
    void setSettings(const AppSettings& settings);
    // The problems shown after the last OK or field change (empty when valid).
    QString problemText() const;

public slots:
    void accept() override;
    void restoreDefaults();

private:
    void chooseModel();
    void showProblems();

    QLineEdit* modelFile_ = nullptr;
    QComboBox* device_ = nullptr;
    QSpinBox* tileSize_ = nullptr;
    QSpinBox* overlap_ = nullptr;
    QDoubleSpinBox* threshold_ = nullptr;
    QLineEdit* bands_ = nullptr;
    QDoubleSpinBox* stretchLow_ = nullptr;
    QDoubleSpinBox* stretchHigh_ = nullptr;
    QComboBox* language_ = nullptr;
    QLabel* problems_ = nullptr;
    mutable bool bandsValid_ = true; // set by settings(): the bands field parsed
};

} // namespace refermap::ui
