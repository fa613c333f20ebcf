# Tasks area sources: background tasks, tasks/log panels, query bar, settings and export dialogs.
target_sources(refermap_ui PRIVATE
  task_manager.cpp
  task_manager.h
  task_row.cpp
  task_row.h
  tasks_panel.cpp
  tasks_panel.h
  log_panel.cpp
  log_panel.h
  log_panel_sink.cpp
  log_panel_sink.h
  query_bar.cpp
  query_bar.h
  app_settings.cpp
  app_settings.h
  settings_dialog.cpp
  settings_dialog.h
  export_dialog.cpp
  export_dialog.h)
# task_manager.h and log_panel_sink.h expose Result, ProgressFeedback and spdlog to users of the UI.
target_link_libraries(refermap_ui PUBLIC refermap::common)
# The bundled demo model, found like the CLI's bundled files (app_settings.cpp: findBundledDemoModel).
file(RELATIVE_PATH refermap_ui_bindir_to_datadir "${CMAKE_INSTALL_FULL_BINDIR}" "${CMAKE_INSTALL_FULL_DATADIR}")
target_compile_definitions(refermap_ui PRIVATE
  REFERMAP_UI_DATA_FROM_BINDIR="${refermap_ui_bindir_to_datadir}/refermap"
  REFERMAP_UI_DATA_INSTALLED="${CMAKE_INSTALL_FULL_DATADIR}/refermap"
  REFERMAP_UI_DATA_SOURCE="${PROJECT_SOURCE_DIR}/resources")
