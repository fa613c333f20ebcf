// refermap: the desktop application's entry point. Everything but start-up lives in ui/ and core/.
#include "common/logging.h"
#include "ui/main_window.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QLibraryInfo>
#include <QLocale>
#include <QStandardPaths>
#include <QTranslator>

#include <spdlog/spdlog.h>

namespace {

// Installs ReferMap's and Qt's own translations for the system locale (English is the source).
void installTranslations(QApplication& application)
{
    auto* ours = new QTranslator(&application);
    if (ours->load(QLocale(), QStringLiteral("refermap"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        QApplication::installTranslator(ours);
    auto* qt = new QTranslator(&application);
    if (qt->load(QLocale(), QStringLiteral("qtbase"), QStringLiteral("_"),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QApplication::installTranslator(qt);
}

} // namespace

int main(int argc, char** argv)
{
    QApplication application(argc, argv);
    QApplication::setApplicationName(QStringLiteral("ReferMap"));
    QApplication::setOrganizationName(QStringLiteral("ReferMap"));
    QApplication::setApplicationVersion(QStringLiteral(REFERMAP_VERSION));
    installTranslations(application);

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
