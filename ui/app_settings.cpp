#include "ui/app_settings.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSettings>

namespace refermap::ui {

namespace {

constexpr const char* demoModel = "models/refermap-demo-tiny.refermap";

} // namespace

QString findBundledDemoModel()
{
    // Same order as the CLI's findBundledResource: next to the executable, the install prefix, the source tree.
    const QStringList candidates {
        QDir(QCoreApplication::applicationDirPath())
            .filePath(QStringLiteral(REFERMAP_UI_DATA_FROM_BINDIR "/") + demoModel),
        QStringLiteral(REFERMAP_UI_DATA_INSTALLED "/") + demoModel,
        QStringLiteral(REFERMAP_UI_DATA_SOURCE "/") + demoModel,
    };
    for (const QString& candidate : candidates)
        if (QFileInfo(candidate).isFile())
            return QDir::cleanPath(candidate);
    return {};
}

QStringList AppSettings::languages()
{
    return {QStringLiteral("system"), QStringLiteral("en"), QStringLiteral("de"), QStringLiteral("zh_CN")};
}

AppSettings AppSettings::defaults()
{
    AppSettings settings;
    settings.modelFile = findBundledDemoModel();
    return settings;
}

AppSettings AppSettings::load(QSettings& settings)
{
    AppSettings loaded = defaults();
    settings.beginGroup(QStringLiteral("query"));
    const auto readInt = [&](const QString& key, int fallback) {
        bool ok = false;
        const int value = settings.value(key, fallback).toInt(&ok);
        return ok ? value : fallback;
    };
    const auto readDouble = [&](const QString& key, double fallback) {
        bool ok = false;
        const double value = settings.value(key, fallback).toDouble(&ok);
        return ok ? value : fallback;
    };
    loaded.modelFile = settings.value(QStringLiteral("modelFile"), loaded.modelFile).toString();
    loaded.device = settings.value(QStringLiteral("device"), loaded.device).toString();
    loaded.tileSize = readInt(QStringLiteral("tileSize"), loaded.tileSize);
    loaded.overlap = readInt(QStringLiteral("overlap"), loaded.overlap);
    loaded.threshold = readDouble(QStringLiteral("threshold"), loaded.threshold);
    loaded.bands.clear();
    for (const QString& band : settings.value(QStringLiteral("bands")).toStringList()) {
        bool ok = false;
        const int value = band.toInt(&ok);
        if (ok)
            loaded.bands << value;
    }
    loaded.stretchLowPercent = readDouble(QStringLiteral("stretchLowPercent"), loaded.stretchLowPercent);
    loaded.stretchHighPercent = readDouble(QStringLiteral("stretchHighPercent"), loaded.stretchHighPercent);
    settings.endGroup();
    loaded.language = settings.value(QStringLiteral("interface/language"), loaded.language).toString();
    return loaded;
}

AppSettings AppSettings::load()
{
    QSettings settings;
    return load(settings);
}

void AppSettings::save(QSettings& settings) const
{
    settings.beginGroup(QStringLiteral("query"));
    settings.setValue(QStringLiteral("modelFile"), modelFile);
    settings.setValue(QStringLiteral("device"), device);
    settings.setValue(QStringLiteral("tileSize"), tileSize);
    settings.setValue(QStringLiteral("overlap"), overlap);
    settings.setValue(QStringLiteral("threshold"), threshold);
    QStringList bandTexts;
    for (int band : bands)
        bandTexts << QString::number(band);
    settings.setValue(QStringLiteral("bands"), bandTexts);
    settings.setValue(QStringLiteral("stretchLowPercent"), stretchLowPercent);
    settings.setValue(QStringLiteral("stretchHighPercent"), stretchHighPercent);
    settings.endGroup();
    settings.setValue(QStringLiteral("interface/language"), language);
}

void AppSettings::save() const
{
    QSettings settings;
    save(settings);
}

QStringList AppSettings::problems() const
{
    QStringList found;
    if (modelFile.trimmed().isEmpty())
        found << QCoreApplication::translate("AppSettings", "No model file is set.");
    else if (!QFileInfo::exists(modelFile))
        found << QCoreApplication::translate("AppSettings", "The model file '%1' does not exist.").arg(modelFile);
    else if (!QFileInfo(modelFile).isFile())
        found << QCoreApplication::translate("AppSettings", "The model file '%1' is a folder, not a file.")
                     .arg(modelFile);
    else if (!QFileInfo(modelFile).isReadable())
        found << QCoreApplication::translate("AppSettings", "The model file '%1' cannot be read.").arg(modelFile);
    static const QRegularExpression devicePattern(QStringLiteral("^(auto|cpu|cuda(:[0-9]+)?)$"));
    if (!devicePattern.match(device).hasMatch())
        found << QCoreApplication::translate("AppSettings", "The device '%1' is not one of auto, cpu, cuda or cuda:N.")
                     .arg(device);
    if (tileSize != 0 && (tileSize < 32 || tileSize > 8192))
        found << QCoreApplication::translate(
            "AppSettings", "The tile size must be 0 (the model's) or 32 to 8192 pixels, not %1.")
                     .arg(tileSize);
    if (overlap < -1 || (tileSize > 0 && overlap >= tileSize / 2))
        found << QCoreApplication::translate(
            "AppSettings", "The overlap must be -1 (a quarter of the tile) or 0 up to less than half the tile, not %1.")
                     .arg(overlap);
    if (!(threshold >= 0.0 && threshold <= 1.0))
        found << QCoreApplication::translate("AppSettings", "The threshold must be between 0 and 1, not %1.")
                     .arg(threshold);
    for (int band : bands)
        if (band < 1)
            found << QCoreApplication::translate("AppSettings", "Band numbers start at 1; %1 is not a band.").arg(band);
    if (!(stretchLowPercent >= 0.0 && stretchLowPercent < stretchHighPercent && stretchHighPercent <= 100.0))
        found << QCoreApplication::translate(
            "AppSettings", "The stretch percentiles must satisfy 0 <= low < high <= 100 (now %1 and %2).")
                     .arg(stretchLowPercent)
                     .arg(stretchHighPercent);
    if (!languages().contains(language))
        found << QCoreApplication::translate("AppSettings", "The language '%1' is not one of %2.")
                     .arg(language, languages().join(QStringLiteral(", ")));
    return found;
}

bool AppSettings::operator==(const AppSettings& other) const
{
    return modelFile == other.modelFile && device == other.device && tileSize == other.tileSize
        && overlap == other.overlap && threshold == other.threshold && bands == other.bands
        && stretchLowPercent == other.stretchLowPercent && stretchHighPercent == other.stretchHighPercent
        && language == other.language;
}

} // namespace refermap::ui
