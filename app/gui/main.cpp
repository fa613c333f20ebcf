// refermap: the desktop application's entry point. Everything but start-up lives in ui/ and core/.
#include "common/logging.h"
#include "ui/main_window.h"
#include "ui/translation_loader.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QLocale>
#include <QStandardPaths>

#include <spdlog/spdlog.h>

int main(int argc, char** argv)
{
    QApplication application(argc, argv);
    QApplication::setApplicationName(QStringLiteral("ReferMap"));
    QApplication::setOrganizationName(QStringLiteral("ReferMap"));
    QApplication::setApplicationVersion(QStringLiteral(REFERMAP_VERSION));
    refermap::ui::installTranslations(application, QLocale());

    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "main", "ReferMap: type what you are looking for over a map, get a georeferenced vector layer back."));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption logLevel(QStringLiteral("log-level"),
                                QCoreApplication::translate("main", "Log level: trace, debug, info, warning, error."),
                                QStringLiteral("level"));
    parser.addOption(logLevel);
    parser.process(application);

    refermap::logging::LoggingOptions options;
    options.level = parser.value(logLevel).toStdString();
    const QString dataFolder = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation);
    options.logDirectory = QDir(dataFolder).filePath(QStringLiteral("logs")).toStdString();
    if (auto logged = refermap::logging::initialise(options); !logged)
        spdlog::warn("{}", logged.error().message());

    refermap::ui::MainWindow window;
    window.show();
    const int code = QApplication::exec();
    spdlog::info("ReferMap closed with code {}", code);
    return code;
}
