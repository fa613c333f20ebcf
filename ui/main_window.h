#pragma once

#include <QMainWindow>

class QLabel;

namespace refermap::ui {

// The application's main window. Today: the frame (menus, status bar, an empty map area); the map
// canvas, layers, query bar and panels arrive with the desktop application. GUI thread only.
class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    explicit MainWindow(QWidget* parent = nullptr);

private slots:
    void showAbout();

private:
    void createMenus();

    QLabel* placeholder_ = nullptr;
};

} // namespace refermap::ui
