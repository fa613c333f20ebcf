#include "ui/fine_tune_chart.h"

#include <QChart>
#include <QLineSeries>
#include <QPainter>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace refermap::ui {

FineTuneChart::FineTuneChart(QWidget* parent)
    : QChartView(parent)
{
    auto* chart = new QChart();
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));

    loss_ = new QLineSeries(chart);
    meanIoU_ = new QLineSeries(chart);
    overallIoU_ = new QLineSeries(chart);
    // Validations come once per epoch: markers keep a single one visible.
    meanIoU_->setPointsVisible(true);
    overallIoU_->setPointsVisible(true);
    chart->addSeries(loss_);
    chart->addSeries(meanIoU_);
    chart->addSeries(overallIoU_);

    steps_ = new QValueAxis(chart);
    steps_->setLabelFormat(QStringLiteral("%d"));
    steps_->setRange(0, 1);
    lossAxis_ = new QValueAxis(chart);
    lossAxis_->setRange(0, 1);
    iouAxis_ = new QValueAxis(chart);
    iouAxis_->setRange(0, 1);
    chart->addAxis(steps_, Qt::AlignBottom);
    chart->addAxis(lossAxis_, Qt::AlignLeft);
    chart->addAxis(iouAxis_, Qt::AlignRight);
    for (QLineSeries* series : {loss_, meanIoU_, overallIoU_})
        series->attachAxis(steps_);
    loss_->attachAxis(lossAxis_);
    meanIoU_->attachAxis(iouAxis_);
    overallIoU_->attachAxis(iouAxis_);

    setChart(chart); // the view owns the chart
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(220);
    retranslate();
}

void FineTuneChart::retranslate()
{
    loss_->setName(tr("Training loss"));
    meanIoU_->setName(tr("Validation mIoU"));
    overallIoU_->setName(tr("Validation oIoU"));
    steps_->setTitleText(tr("Step"));
    lossAxis_->setTitleText(tr("Loss"));
    iouAxis_->setTitleText(tr("IoU"));
}

void FineTuneChart::addPoint(const engine::FineTunePoint& point)
{
    const double step = static_cast<double>(point.iteration);
    maxStep_ = std::max({maxStep_, step, static_cast<double>(point.totalIterations), 1.0});
    steps_->setRange(0, maxStep_);
    if (point.kind == engine::FineTunePoint::Kind::TrainingLoss) {
        if (!std::isfinite(point.loss))
            return; // a diverged step: the task reports it; the chart keeps a usable scale
        loss_->append(step, point.loss);
        maxLoss_ = std::max(maxLoss_, point.loss);
        lossAxis_->setRange(0, maxLoss_ > 0 ? maxLoss_ * 1.1 : 1.0);
        return;
    }
    meanIoU_->append(step, point.scores.mIoU);
    overallIoU_->append(step, point.scores.oIoU);
}

void FineTuneChart::clear()
{
    loss_->clear();
    meanIoU_->clear();
    overallIoU_->clear();
    maxLoss_ = 0.0;
    maxStep_ = 0.0;
    steps_->setRange(0, 1);
    lossAxis_->setRange(0, 1);
}

int FineTuneChart::lossPointCount() const
{
    return loss_->count();
}

int FineTuneChart::validationPointCount() const
{
    return meanIoU_->count();
}

} // namespace refermap::ui
