#pragma once

#include "engine/fine_tune.h"

#include <QChartView>

class QLineSeries;
class QValueAxis;

namespace refermap::ui {

// The fine-tune dialog's live chart: the training loss of every optimizer step (left axis) and the
// validation mIoU and oIoU of every epoch (right axis, 0..1), over optimizer steps. The axes grow
// with the points. GUI thread only: the dialog queues the training thread's points here.
class FineTuneChart : public QChartView {
    Q_OBJECT

public:
    explicit FineTuneChart(QWidget* parent = nullptr);

    void addPoint(const engine::FineTunePoint& point);
    // Removes every point (a new run starts).
    void clear();
    // Sets the axis titles and series names in the current language.
    void retranslate();

    int lossPointCount() const;
    int validationPointCount() const; // validations so far (each adds an mIoU and an oIoU point)

private:
    QLineSeries* loss_ = nullptr;
    QLineSeries* meanIoU_ = nullptr;
    QLineSeries* overallIoU_ = nullptr;
    QValueAxis* steps_ = nullptr;
    QValueAxis* lossAxis_ = nullptr;
    QValueAxis* iouAxis_ = nullptr;
    double maxLoss_ = 0.0;
    double maxStep_ = 0.0;
};

} // namespace refermap::ui
