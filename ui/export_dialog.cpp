#include "ui/export_dialog.h"

#include "geo/crs_lookup.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
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

namespace {

bool suffixFits(const QString& path, engine::MaskExportFormat format)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    const QString expected = QString::fromStdString(engine::suffixFor(format)).mid(1);
    return suffix == expected || (format == engine::MaskExportFormat::GeoJson && suffix == QLatin1String("json"))
        || (format == engine::MaskExportFormat::MaskGeoTiff && suffix == QLatin1String("tiff"));
}

// `path` with the format's suffix: a suffix of another export format is replaced, anything else kept.
QString withSuffix(const QString& path, engine::MaskExportFormat format)
{
    if (path.trimmed().isEmpty() || suffixFits(path, format))
        return path.trimmed();
    const QString expected = QString::fromStdString(engine::suffixFor(format));
    const QFileInfo info(path.trimmed());
    static const QStringList known {QStringLiteral("gpkg"), QStringLiteral("geojson"), QStringLiteral("json"),
        QStringLiteral("shp"), QStringLiteral("tif"), QStringLiteral("tiff")};
    if (known.contains(info.suffix().toLower()))
        return QDir(info.path()).filePath(info.completeBaseName() + expected);
    return path.trimmed() + expected;
}

} // namespace

ExportDialog::ExportDialog(const QString& maskPath, const QString& suggestedOutput, QWidget* parent)
    : QDialog(parent)
    , maskPath_(maskPath)
{
    setObjectName(QStringLiteral("exportDialog"));
    setWindowTitle(tr("Export"));
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;

    format_ = new QComboBox(this);
    format_->setObjectName(QStringLiteral("format"));
    format_->addItem(tr("GeoPackage polygons (*.gpkg)"), static_cast<int>(engine::MaskExportFormat::GeoPackage));
    format_->addItem(tr("GeoJSON polygons (*.geojson)"), static_cast<int>(engine::MaskExportFormat::GeoJson));
    format_->addItem(tr("Shapefile polygons (*.shp)"), static_cast<int>(engine::MaskExportFormat::Shapefile));
    format_->addItem(tr("Mask GeoTIFF (*.tif)"), static_cast<int>(engine::MaskExportFormat::MaskGeoTiff));
    form->addRow(tr("Format:"), format_);

    output_ = new QLineEdit(this);
    output_->setObjectName(QStringLiteral("output"));
    auto* browse = new QPushButton(tr("Browse…"), this);
    auto* outputRow = new QHBoxLayout;
    outputRow->addWidget(output_, 1);
    outputRow->addWidget(browse);
    form->addRow(tr("Output file:"), outputRow);

    QString rasterCrsName = tr("none: pixel coordinates");
    if (auto crs = geo::rasterCrs(maskPath.toStdString()); crs && !crs->name.empty())
        rasterCrsName = crs->epsg > 0
            ? QStringLiteral("%1, EPSG:%2").arg(QString::fromStdString(crs->name)).arg(crs->epsg)
            : QString::fromStdString(crs->name);
    crs_ = new QComboBox(this);
    crs_->setObjectName(QStringLiteral("crs"));
    crs_->addItem(tr("The raster's (%1)").arg(rasterCrsName), static_cast<int>(CrsChoice::Raster));
    crs_->addItem(tr("WGS 84 (EPSG:4326)"), static_cast<int>(CrsChoice::Wgs84));
    crs_->addItem(tr("EPSG code:"), static_cast<int>(CrsChoice::Epsg));
    epsg_ = new QSpinBox(this);
    epsg_->setObjectName(QStringLiteral("epsg"));
    epsg_->setRange(1, 999999);
    epsg_->setValue(3857);
    epsg_->setPrefix(QStringLiteral("EPSG:"));
    auto* crsRow = new QHBoxLayout;
    crsRow->addWidget(crs_, 1);
    crsRow->addWidget(epsg_);
    form->addRow(tr("Coordinate system:"), crsRow);
    crsDescription_ = new QLabel(this);
    crsDescription_->setObjectName(QStringLiteral("crsDescription"));
    crsDescription_->setWordWrap(true);
    form->addRow(QString(), crsDescription_);

    simplify_ = new QDoubleSpinBox(this);
    simplify_->setObjectName(QStringLiteral("simplify"));
    simplify_->setRange(0.0, 100.0);
    simplify_->setDecimals(2);
    simplify_->setSuffix(tr(" px"));
    simplify_->setSpecialValueText(tr("No simplification"));
    simplify_->setToolTip(tr("Largest shift of a polygon edge, in pixels of the mask"));
    form->addRow(tr("Simplification tolerance:"), simplify_);

    minArea_ = new QDoubleSpinBox(this);
    minArea_->setObjectName(QStringLiteral("minArea"));
    minArea_->setRange(0.0, 1e9);
    minArea_->setDecimals(1);
    minArea_->setSuffix(tr(" m²"));
    minArea_->setToolTip(tr("Polygons with a smaller ground area are left out"));
    form->addRow(tr("Minimum area:"), minArea_);
    layout->addLayout(form);

    problems_ = new QLabel(this);
    problems_->setObjectName(QStringLiteral("problems"));
    problems_->setWordWrap(true);
    problems_->setStyleSheet(QStringLiteral("color: #b00020;"));
    problems_->hide();
    layout->addWidget(problems_);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Export"));
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &ExportDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &ExportDialog::reject);
    connect(browse, &QPushButton::clicked, this, &ExportDialog::chooseOutput);
    connect(format_, &QComboBox::currentIndexChanged, this, &ExportDialog::formatChanged);
    connect(crs_, &QComboBox::currentIndexChanged, this, &ExportDialog::crsChanged);
    connect(epsg_, &QSpinBox::valueChanged, this, &ExportDialog::crsChanged);

    output_->setText(withSuffix(suggestedOutput, format()));
    formatChanged();
}

engine::ExportRequest ExportDialog::request() const
{
    engine::ExportRequest request;
    request.format = format();
    request.output = outputPath().toStdString();
    switch (crsChoice()) {
    case CrsChoice::Raster:
        break;
    case CrsChoice::Wgs84:
        request.epsg = 4326;
        break;
    case CrsChoice::Epsg:
        request.epsg = epsg_->value();
        break;
    }
    const bool polygons = request.format != engine::MaskExportFormat::MaskGeoTiff;
    request.simplifyPixels = polygons ? simplify_->value() : 0.0;
    request.minAreaM2 = polygons ? minArea_->value() : 0.0;
    return request;
}

void ExportDialog::setFormat(engine::MaskExportFormat format)
{
    format_->setCurrentIndex(format_->findData(static_cast<int>(format)));
}

engine::MaskExportFormat ExportDialog::format() const
{
    return static_cast<engine::MaskExportFormat>(format_->currentData().toInt());
}

void ExportDialog::setOutputPath(const QString& path)
{
    output_->setText(withSuffix(path, format()));
}

QString ExportDialog::outputPath() const
{
    return withSuffix(output_->text(), format());
}

void ExportDialog::setCrs(CrsChoice choice, int epsg)
{
    if (epsg > 0)
        epsg_->setValue(epsg);
    crs_->setCurrentIndex(crs_->findData(static_cast<int>(choice)));
}

ExportDialog::CrsChoice ExportDialog::crsChoice() const
{
    return static_cast<CrsChoice>(crs_->currentData().toInt());
}

void ExportDialog::setSimplifyPixels(double pixels)
{
    simplify_->setValue(pixels);
}

void ExportDialog::setMinimumAreaM2(double area)
{
    minArea_->setValue(area);
}

QStringList ExportDialog::problems() const
{
    QStringList found;
    const QString output = outputPath();
    if (output.isEmpty())
        found << tr("Choose an output file.");
    else if (!QFileInfo(QFileInfo(output).absolutePath()).isDir())
        found << tr("The folder '%1' does not exist.").arg(QFileInfo(output).absolutePath());
    else if (QFileInfo(output).isDir())
        found << tr("'%1' is a folder; choose a file name.").arg(output);
    if (crsChoice() == CrsChoice::Epsg) {
        if (auto known = geo::lookupEpsg(epsg_->value()); !known)
            found << tr("EPSG:%1 is not a known coordinate system.").arg(epsg_->value());
    }
    if (!QFileInfo(maskPath_).isFile())
        found << tr("The mask '%1' does not exist.").arg(maskPath_);
    return found;
}

QString ExportDialog::problemText() const
{
    return problems_->isHidden() ? QString() : problems_->text();
}

void ExportDialog::accept()
{
    const QStringList found = problems();
    problems_->setText(found.join(QLatin1Char('\n')));
    problems_->setVisible(!found.isEmpty());
    if (found.isEmpty())
        QDialog::accept();
}

void ExportDialog::chooseOutput()
{
    const QString suffix = QString::fromStdString(engine::suffixFor(format()));
    const QString filter
        = format_->currentText().section(QLatin1Char('('), 0, 0).trimmed() + QStringLiteral(" (*%1)").arg(suffix);
    const QString chosen = QFileDialog::getSaveFileName(this, tr("Export to"), outputPath(), filter);
    if (!chosen.isEmpty())
        setOutputPath(chosen);
}

void ExportDialog::formatChanged()
{
    const engine::MaskExportFormat current = format();
    if (!output_->text().isEmpty())
        output_->setText(withSuffix(output_->text(), current));
    const bool geoJson = current == engine::MaskExportFormat::GeoJson;
    if (geoJson) // RFC 7946: GeoJSON is WGS 84 longitude/latitude
        setCrs(CrsChoice::Wgs84);
    crs_->setEnabled(!geoJson);
    const bool polygons = current != engine::MaskExportFormat::MaskGeoTiff;
    simplify_->setEnabled(polygons);
    minArea_->setEnabled(polygons);
    crsChanged();
}

void ExportDialog::crsChanged()
{
    const bool byCode = crsChoice() == CrsChoice::Epsg;
    epsg_->setEnabled(byCode && crs_->isEnabled());
    if (!byCode) {
        crsDescription_->clear();
        return;
    }
    auto known = geo::lookupEpsg(epsg_->value());
    crsDescription_->setText(known ? QString::fromStdString(known->name)
                                   : tr("EPSG:%1 is not a known coordinate system.").arg(epsg_->value()));
}

} // namespace refermap::ui
