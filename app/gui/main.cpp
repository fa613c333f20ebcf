// refermap: the desktop application's entry point. Everything but start-up lives in ui/ and core/.
#include "common/logging.h"
#include "model/compute_thread_waits.h"
#include "ui/app_settings.h"
#include "ui/main_window.h"
#include "ui/map_canvas.h"
#include "ui/query_controller.h"
#include "ui/task_manager.h"
#include "ui/translation_loader.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QLocale>
#include <QScreen>
#include <QStandardPaths>
#include <QTimer>

#include <spdlog/spdlog.h>

namespace {

// --screenshot: once the queries asked for on the command line are done and the map has been drawn,
// the window as the X server shows it goes to a PNG and the application quits (docs/screenshots).
void scheduleScreenshot(refermap::ui::MainWindow& window, const QString& path)
{
    auto* poll = new QTimer(&window);
    poll->setInterval(500);
    QObject::connect(poll, &QTimer::timeout, &window, [&window, path, poll] {
        static int quietTicks = 0;
        const bool busy = window.tasks().activeCount() > 0 || window.queries().isRunning();
        quietTicks = busy ? 0 : quietTicks + 1;
        if (quietTicks < 6) // three quiet seconds: every tile rendered
            return;
        poll->stop();
        QScreen* screen = window.screen();
        const QPixmap shot = screen ? screen->grabWindow(window.winId()) : window.grab();
        const bool saved = shot.save(path, "PNG");
        spdlog::info("screenshot {} {}", path.toStdString(), saved ? "written" : "FAILED");
        QCoreApplication::exit(saved ? 0 : 1);
    });
    poll->start();
}

} // namespace

int main(int argc, char** argv)
{
    // Queries and fine-tunes run the model in this process (model/compute_thread_waits.h).
    refermap::model::ComputeThreadWaits::applyUnlessSet(argv);
    QApplication application(argc, argv);
    QApplication::setApplicationName(QStringLiteral("ReferMap"));
    QApplication::setOrganizationName(QStringLiteral("ReferMap"));
    QApplication::setApplicationVersion(QStringLiteral(REFERMAP_VERSION));
    QGuiApplication::setDesktopFileName(QStringLiteral("org.refermap.ReferMap"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "main", "ReferMap: type what you are looking for over a map, get a georeferenced vector layer back."));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption logLevel(QStringLiteral("log-level"),
                                QCoreApplication::translate("main", "Log level: trace, debug, info, warning, error."),
                                QStringLiteral("level"));
    QCommandLineOption query(QStringLiteral("query"),
                             QCoreApplication::translate("main", "Run this query over the first raster once it is open."),
                             QStringLiteral("text"));
    QCommandLineOption tile(QStringLiteral("tile"),
                            QCoreApplication::translate("main", "Tile size for the queries, in pixels (default: the settings')."),
                            QStringLiteral("pixels"));
    QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                  QCoreApplication::translate("main", "Save a PNG of the window when the work is done, then quit."),
                                  QStringLiteral("file"));
    parser.addOptions({logLevel, query, tile, screenshot});
    parser.addPositionalArgument(QStringLiteral("files"),
                                 QCoreApplication::translate("main", "Rasters or projects (*.refermap.gpkg) to open."),
                                 QStringLiteral("[files...]"));
    parser.process(application);

    refermap::logging::LoggingOptions options;
    options.level = parser.value(logLevel).toStdString();
    const QString dataFolder = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation);
    options.logDirectory = QDir(dataFolder).filePath(QStringLiteral("logs")).toStdString();
    if (auto logged = refermap::logging::initialise(options); !logged)
        spdlog::warn("{}", logged.error().message());

    refermap::ui::AppSettings settings = refermap::ui::AppSettings::load();
    const QString language = settings.language;
    refermap::ui::installTranslations(application, language == QStringLiteral("system") ? QLocale() : QLocale(language));

    refermap::ui::MainWindow window;
    if (parser.isSet(tile)) {
        settings.tileSize = parser.value(tile).toInt();
        window.setSettings(settings, false);
    }
    window.show();
    for (const QString& file : parser.positionalArguments())
        window.openPath(file);
    if (parser.isSet(query))
        window.runQuery(parser.value(query));
    if (parser.isSet(screenshot))
        scheduleScreenshot(window, parser.value(screenshot));
    const int code = QApplication::exec();
    spdlog::info("ReferMap closed with code {}", code);
    return code;
}
