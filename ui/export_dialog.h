#pragma once

#include "engine/mask_export.h"

#include <QDialog>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace refermap::ui {

// Asks how to export a mask: format (GeoPackage, GeoJSON, Shapefile, mask GeoTIFF), output file (its
// suffix follows the format), CRS (the raster's, WGS 84, or any EPSG code, checked against PROJ's
// database as it is typed), simplification tolerance in PIXELS of the mask and minimum polygon area
// in m² (both for the polygon formats). GeoJSON is always WGS 84 (RFC 7946), so the CRS is fixed
// then. OK accepts only a complete request; request() then gives it to run with engine::runExport as
// a TaskManager job. GUI thread only.
class ExportDialog : public QDialog {
    Q_OBJECT

public:
    enum class CrsChoice { Raster, Wgs84, Epsg };
    Q_ENUM(CrsChoice)

    // `maskPath`: the mask to export (its CRS is named in the CRS choice). `suggestedOutput`: the
    // initial output path (its suffix is adapted to the format).
    explicit ExportDialog(const QString& maskPath, const QString& suggestedOutput = {}, QWidget* parent = nullptr);

    engine::ExportRequest request() const;

    void setFormat(engine::MaskExportFormat format);
    engine::MaskExportFormat format() const;
    void setOutputPath(const QString& path);
    QString outputPath() const; // with the format's suffix
    void setCrs(CrsChoice choice, int epsg = 0);
    CrsChoice crsChoice() const;
    void setSimplifyPixels(double pixels);
    void setMinimumAreaM2(double area);

    // Why OK would be refused now (one sentence per problem); empty when the request is complete.
    QStringList problems() const;
    QString problemText() const; // as shown after the last OK

public slots:
    void accept() override;

private:
    void chooseOutput();
    void formatChanged();
    void crsChanged();

    QString maskPath_;
    QComboBox* format_ = nullptr;
    QLineEdit* output_ = nullptr;
    QComboBox* crs_ = nullptr;
    QSpinBox* epsg_ = nullptr;
    QLabel* crsDescription_ = nullptr;
    QDoubleSpinBox* simplify_ = nullptr;
    QDoubleSpinBox* minArea_ = nullptr;
    QLabel* problems_ = nullptr;
};

} // namespace refermap::ui
