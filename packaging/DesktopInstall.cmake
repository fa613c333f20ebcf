# Desktop integration files, installed where freedesktop.org desktops and software centres look:
# the launcher (.desktop), the AppStream metadata and the icon, all named by the application id
# org.refermap.ReferMap. Included from packaging/CPackConfig.cmake, i.e. in the top-level scope, so
# the paths below are absolute. Only with the GUI: the launcher and the metadata name `refermap`.
if(REFERMAP_BUILD_GUI)
  set(REFERMAP_APP_ID "org.refermap.ReferMap")
  install(FILES "${CMAKE_CURRENT_LIST_DIR}/${REFERMAP_APP_ID}.desktop"
    DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
  install(FILES "${CMAKE_CURRENT_LIST_DIR}/${REFERMAP_APP_ID}.metainfo.xml"
    DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
  # A scalable icon only: hicolor/scalable is enough for every desktop we target, and rendering
  # PNG sizes would need an SVG renderer that is not among our build dependencies.
  install(FILES "${CMAKE_CURRENT_LIST_DIR}/../resources/icons/refermap.svg"
    DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps
    RENAME ${REFERMAP_APP_ID}.svg)
endif()
