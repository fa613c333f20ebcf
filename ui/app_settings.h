#pragma once

#include <QList>
#include <QString>

class QSettings;

namespace refermap::ui {

// The bundled demo model: installed (<bin>/../share/refermap/models/refermap-demo-tiny.refermap or
// <prefix>/share/refermap/...) or, when run from a build folder, the source tree's resources/models.
// Empty when none of them exists.
QString findBundledDemoModel();

// The user's preferences for queries and the interface, as a value. load()/save() use the QSettings
// given (the application's by default: QSettings() with the organisation and application names).
struct AppSettings {
    QString modelFile; // default: findBundledDemoModel()
    QString device = QStringLiteral("auto"); // auto, cpu, cuda or cuda:N
    int tileSize = 0; // pixels; 0 = the model's own size
    int overlap = -1; // pixels; -1 = a quarter of the tile
    double threshold = 0.5; // probability 0..1 at which a pixel becomes foreground
    QList<int> bands; // 1-based; empty = automatic (first three, or the RGB ones)
    double stretchLowPercent = 2.0; // contrast stretch percentiles of each band
    double stretchHighPercent = 98.0;
    QString language = QStringLiteral("system"); // system, en, de, zh_CN

    static QStringList languages(); // the codes `language` may take
    static AppSettings defaults();
    // Missing keys take the default; values of the wrong type too (the file may be hand-edited).
    static AppSettings load(QSettings& settings);
    static AppSettings load();
    void save(QSettings& settings) const;
    void save() const;

    // Empty when the settings can be used; otherwise one sentence per problem, each naming the
    // field (e.g. "The model file '/x.refermap' does not exist.").
    QStringList problems() const;

    bool operator==(const AppSettings& other) const;
    bool operator!=(const AppSettings& other) const { return !(*this == other); }
};

} // namespace refermap::ui
