# Desktop integration checks: the launcher and the AppStream metadata against the freedesktop.org
# validators, the installed file layout, and (label `package`) the real Debian package.
find_program(REFERMAP_DESKTOP_FILE_VALIDATE desktop-file-validate REQUIRED)
find_program(REFERMAP_APPSTREAMCLI appstreamcli REQUIRED)

# desktop-file-validate prints warnings but exits 0 on them; we want a clean file, so any output fails.
add_test(NAME desktop_file_validates
  COMMAND "${REFERMAP_DESKTOP_FILE_VALIDATE}" "${PROJECT_SOURCE_DIR}/packaging/org.refermap.ReferMap.desktop")
set_tests_properties(desktop_file_validates PROPERTIES LABELS unit FAIL_REGULAR_EXPRESSION "error|warning|hint")

# --no-net: CI has no network, and the screenshot URL is checked by the release, not by tests.
add_test(NAME desktop_metainfo_validates
  COMMAND "${REFERMAP_APPSTREAMCLI}" validate --no-net --explain
          "${PROJECT_SOURCE_DIR}/packaging/org.refermap.ReferMap.metainfo.xml")
set_tests_properties(desktop_metainfo_validates PROPERTIES LABELS unit)

# The install tree (cmake --install into a temporary DESTDIR): desktop files, icon, executables
# and bundled data where they belong, nothing else, and the installed refermap-cli runs.
refermap_add_python_test(desktop_install_layout SCRIPT desktop_install_test.py
  ARGS --mode install --cmake "${CMAKE_COMMAND}" --build-dir "${CMAKE_BINARY_DIR}"
       --version "${PROJECT_VERSION}" --gui "$<BOOL:${REFERMAP_BUILD_GUI}>"
  LABELS integration)

# The real .deb (cpack -G DEB into a temporary folder, about a minute on 2 cores): Depends from
# dpkg-shlibdeps plus OpenBLAS, the file list, and the extracted refermap-cli running.
find_program(REFERMAP_DPKG_DEB dpkg-deb REQUIRED)
refermap_add_python_test(desktop_debian_package SCRIPT desktop_install_test.py
  ARGS --mode deb --cpack "${CMAKE_CPACK_COMMAND}" --dpkg-deb "${REFERMAP_DPKG_DEB}"
       --build-dir "${CMAKE_BINARY_DIR}" --version "${PROJECT_VERSION}" --gui "$<BOOL:${REFERMAP_BUILD_GUI}>"
  LABELS package)
set_tests_properties(desktop_debian_package PROPERTIES TIMEOUT 240)
