# Debian package: `cpack -G DEB` in a build folder. Library dependencies come from
# dpkg-shlibdeps (libtorch, GDAL, OpenCV, Qt 6, ICU, spdlog/fmt; GDAL and PROJ pull gdal-data and
# proj-data themselves). Added by hand what shlibdeps cannot see:
# - OpenBLAS, because libtorch reaches it only through the libblas.so.3 alternative (without it
#   the model runs on the ~67x slower reference BLAS);
# - with the GUI, the Wayland platform plugin as a recommendation (the xcb one ships in libqt6gui6,
#   which shlibdeps finds; qt6-qpa-plugins holds only vnc and is not needed);
# - with the GUI, Qt Charts (the fine-tune dialog's live chart), named so the package states it
#   even where shlibdeps is off.
include("${CMAKE_CURRENT_LIST_DIR}/DesktopInstall.cmake")

set(CPACK_PACKAGE_NAME "refermap")
set(CPACK_PACKAGE_VENDOR "ReferMap")
set(CPACK_PACKAGE_CONTACT "ReferMap developers <dev@refermap.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION
  "ReferMap runs BTDDNet, a referring remote-sensing segmentation network, on
a text query over any raster GDAL reads and exports the result as a
GeoPackage, GeoJSON or Shapefile layer in the raster's CRS. It contains the
desktop application (refermap), the command line (refermap-cli), a small demo
model, the BERT vocabulary and a demo scene; nothing is downloaded at run time.")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
# Debug information stays in the build folder; the package gets stripped executables.
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_SECTION "science")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${PROJECT_HOMEPAGE_URL}")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libopenblas0-pthread")
if(REFERMAP_BUILD_GUI)
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "${CPACK_DEBIAN_PACKAGE_DEPENDS}, libqt6charts6")
  set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "qt6-wayland")
endif()
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
include(CPack)
