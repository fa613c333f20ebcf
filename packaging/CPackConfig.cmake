# Debian package: `cpack -G DEB` in a build folder. Library dependencies come from
# dpkg-shlibdeps; OpenBLAS is added by hand because libtorch reaches it only through the
# libblas.so.3 alternative (without it the model runs on the ~67x slower reference BLAS).
set(CPACK_PACKAGE_NAME "refermap")
set(CPACK_PACKAGE_VENDOR "ReferMap")
set(CPACK_PACKAGE_CONTACT "ReferMap developers <dev@refermap.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_DEBIAN_PACKAGE_SECTION "science")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libopenblas0-pthread")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
include(CPack)
