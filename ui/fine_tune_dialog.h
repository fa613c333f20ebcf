#pragma once

#include "engine/fine_tune.h"
#include "ui/task_manager.h"

#include <QDialog>
#include <QPointer>
#include <QString>

#include <optional>
#include <vector>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace refermap::ui {

class FineTuneChart;
class MainWindow;
class MaskLayer;

// Tools › Fine-tune on corrections (issue 7): learns from the project's edited mask layers with
// engine::runFineTune, as a background task of the window's TaskManager (progress, ETA and cancel
// in the tasks panel and here; the event loop never waits). Shows a live chart (training loss per
// step, validation IoU per epoch), then a before/after table, and offers to make the new model the
// active one and re-run the query of the selected layer.
//
// The project must be saved for the engine to read the edits: Start saves a dirty project first
// (MainWindow::saveCurrentProject) and refuses, with a message, when there is no project file.
// The output defaults to "<project stem>-finetuned-<N>.refermap" beside the project (the first N
// with no such file) and is never the base model. When the output's run folder ("<output>.run")
// holds a checkpoint, Start becomes Resume (runFineTune continues it) and "Start over" discards it.
// Cancelling (or closing the application, which cancels every task) keeps the checkpoint.
//
// Non-modal; the main window keeps one instance. GUI thread only.
class FineTuneDialog : public QDialog {
    Q_OBJECT

public:
    explicit FineTuneDialog(MainWindow& window, QWidget* parent = nullptr);

    // Re-reads the edited layers, the active model (as base) and the default output; keeps what the
    // user typed into the other fields. Called when the dialog is shown.
    void refresh();

    // The fine-tune the form describes (runDirectory empty: "<output>.run").
    engine::FineTuneOptions options() const;
    // The output's run folder and whether it holds a checkpoint to resume.
    QString runFolder() const;
    bool canResume() const;

    // What Start / Resume does: false (with the reason shown in the dialog) when nothing started.
    bool start();
    void cancel();
    bool isRunning() const { return running_ != 0; }
    TaskId runningTask() const { return running_; }
    // The last completed fine-tune of this dialog.
    const std::optional<engine::FineTuneReport>& lastReport() const { return report_; }
    // "Use this model and re-run query": the last result becomes the active model (saved in the
    // settings) and the selected layer's query runs again with it (QueryController). False (with
    // the reason shown) without a result or a layer, or while a query runs.
    bool useNewModel();

    // The live chart's points so far (for tests and the status line).
    int lossPointCount() const;
    int validationPointCount() const;
    // The message line under the form (errors and outcomes).
    QString message() const;

signals:
    // A fine-tune of this dialog ended: with a model (ok) or an error; or it was cancelled.
    void fineTuneFinished(bool ok, const QString& error);
    void fineTuneCancelled();

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslate();
    void chooseBaseModel();
    void chooseOutput();
    void updateState();
    void showMessage(const QString& text, bool error);
    void showReport(const engine::FineTuneReport& report);
    void progressed(TaskId id, double fraction, const QString& message, int etaSeconds);
    void ended(TaskId id, bool ok, const QString& error);
    QString defaultOutput() const;
    // The layer to re-run: the list's current row, else the first checked one.
    MaskLayer* selectedLayer() const;

    MainWindow& window_;
    TaskId running_ = 0;
    std::optional<engine::FineTuneReport> report_;
    std::vector<QPointer<MaskLayer>> listed_; // the layers of layers_'s rows
    QString defaultOutput_; // the output last proposed; replaced by refresh() unless the user changed it

    QLabel* projectLabel_ = nullptr;
    QLabel* baseLabel_ = nullptr;
    QLineEdit* baseModel_ = nullptr;
    QPushButton* chooseBase_ = nullptr;
    QLabel* layersLabel_ = nullptr;
    QListWidget* layers_ = nullptr;
    QLabel* epochsLabel_ = nullptr;
    QSpinBox* epochs_ = nullptr;
    QLabel* maxStepsLabel_ = nullptr;
    QSpinBox* maxSteps_ = nullptr;
    QLabel* batchLabel_ = nullptr;
    QSpinBox* batch_ = nullptr;
    QLabel* learningRateLabel_ = nullptr;
    QLineEdit* learningRate_ = nullptr;
    QLabel* backboneRateLabel_ = nullptr;
    QLineEdit* backboneRate_ = nullptr;
    QLabel* freezeLabel_ = nullptr;
    QComboBox* freeze_ = nullptr;
    QCheckBox* mirror_ = nullptr;
    QLabel* validationLabel_ = nullptr;
    QSpinBox* validationPercent_ = nullptr;
    QLabel* deviceLabel_ = nullptr;
    QComboBox* device_ = nullptr;
    QLabel* outputLabel_ = nullptr;
    QLineEdit* output_ = nullptr;
    QPushButton* chooseOutput_ = nullptr;
    QCheckBox* startOver_ = nullptr;
    FineTuneChart* chart_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QLabel* eta_ = nullptr;
    QLabel* message_ = nullptr;
    QTableWidget* results_ = nullptr;
    QLabel* summary_ = nullptr;
    QPushButton* start_ = nullptr;
    QPushButton* cancel_ = nullptr;
    QPushButton* useModel_ = nullptr;
    QPushButton* close_ = nullptr;
};

} // namespace refermap::ui
