#include "ui/main_window.h"

#include "engine/runtime_report.h"

#include <QAction>
#include <QKeySequence>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>

namespace refermap::ui {

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
{
    setObjectName(QStringLiteral("MainWindow"));
    setWindowTitle(tr("ReferMap"));
    resize(1200, 800);

    placeholder_ = new QLabel(tr("Open a raster to begin."), this);
    placeholder_->setObjectName(QStringLiteral("placeholder"));
    placeholder_->setAlignment(Qt::AlignCenter);
    setCentralWidget(placeholder_);

    createMenus();
    statusBar()->showMessage(tr("Ready"));
}

void MainWindow::createMenus()
{
    QMenu* fileMenu = menuBar()->addMenu(tr("&File"));
    QAction* quit = fileMenu->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setObjectName(QStringLiteral("actionQuit"));
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);

    QMenu* helpMenu = menuBar()->addMenu(tr("&Help"));
    QAction* about = helpMenu->addAction(tr("&About ReferMap"), this, &MainWindow::showAbout);
    about->setObjectName(QStringLiteral("actionAbout"));
    about->setMenuRole(QAction::AboutRole);
}

void MainWindow::showAbout()
{
    const engine::RuntimeReport report = engine::collectRuntimeReport();
    QMessageBox::about(this, tr("About ReferMap"),
                       tr("<h3>ReferMap %1</h3>"
                          "<p>Type what you are looking for over a map and get a georeferenced vector layer back.</p>"
                          "<p>%2<br>PROJ %3<br>libtorch %4<br>BLAS: %5</p>")
                           .arg(QString::fromStdString(report.refermapVersion),
                                QString::fromStdString(report.gdalVersion),
                                QString::fromStdString(report.projVersion),
                                QString::fromStdString(report.torchVersion),
                                QString::fromStdString(report.blas).toHtmlEscaped()));
}

} // namespace refermap::ui
