#include "ui/translation_loader.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QPointer>
#include <QTranslator>

namespace refermap::ui {

namespace {

QPointer<QTranslator> installedOurs;
QPointer<QTranslator> installedQt;

void replace(QPointer<QTranslator>& slot, QTranslator* next)
{
    if (slot) {
        QCoreApplication::removeTranslator(slot);
        delete slot;
    }
    slot = next;
    if (next)
        QCoreApplication::installTranslator(next);
}

} // namespace

bool installTranslations(QCoreApplication& application, const QLocale& locale)
{
    auto* ours = new QTranslator(&application);
    const bool found = ours->load(locale, QStringLiteral("refermap"), QStringLiteral("_"), QStringLiteral(":/i18n"));
    replace(installedOurs, found ? ours : nullptr);
    if (!found)
        delete ours;

    auto* qt = new QTranslator(&application);
    const bool qtFound = qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                                  QLibraryInfo::path(QLibraryInfo::TranslationsPath));
    replace(installedQt, qtFound ? qt : nullptr);
    if (!qtFound)
        delete qt;
    return found;
}

} // namespace refermap::ui
