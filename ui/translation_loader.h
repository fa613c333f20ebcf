#pragma once

#include <QLocale>

class QCoreApplication;

namespace refermap::ui {

// Installs ReferMap's translation for `locale` (embedded under :/i18n) and Qt's own, replacing
// those installed before. For a locale without a translation nothing is installed and the English
// source strings show. Returns whether ReferMap has a translation for the locale (English counts:
// its file holds the source text). GUI thread only.
bool installTranslations(QCoreApplication& application, const QLocale& locale);

} // namespace refermap::ui
