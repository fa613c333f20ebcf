# Finds OpenCV's core and imgproc modules and defines the imported target OpenCVCore::OpenCVCore.
#
# Debian ships OpenCVConfig.cmake only in libopencv-dev, which drags in every OpenCV module (VTK,
# Qt5, codecs) although ReferMap uses two. So: use OpenCV's own config when it is installed, and
# otherwise find the headers and libraries of libopencv-core-dev and libopencv-imgproc-dev.
include(FindPackageHandleStandardArgs)

find_package(OpenCV QUIET COMPONENTS core imgproc)
if(OpenCV_FOUND)
  set(OpenCVCore_VERSION ${OpenCV_VERSION})
  set(_opencv_core_include ${OpenCV_INCLUDE_DIRS})
  set(_opencv_core_libraries opencv_core opencv_imgproc)
  set(OpenCVCore_INCLUDE_DIR "${OpenCV_INCLUDE_DIRS}")
  set(OpenCVCore_CORE_LIBRARY opencv_core)
  set(OpenCVCore_IMGPROC_LIBRARY opencv_imgproc)
else()
  find_path(OpenCVCore_INCLUDE_DIR opencv2/core.hpp PATH_SUFFIXES opencv4)
  find_library(OpenCVCore_CORE_LIBRARY opencv_core)
  find_library(OpenCVCore_IMGPROC_LIBRARY opencv_imgproc)
  if(OpenCVCore_INCLUDE_DIR AND EXISTS "${OpenCVCore_INCLUDE_DIR}/opencv2/core/version.hpp")
    file(STRINGS "${OpenCVCore_INCLUDE_DIR}/opencv2/core/version.hpp" _opencv_version_lines
      REGEX "#define CV_VERSION_(MAJOR|MINOR|REVISION) ")
    foreach(part MAJOR MINOR REVISION)
      string(REGEX REPLACE ".*CV_VERSION_${part} +([0-9]+).*" "\\1" _opencv_${part} "${_opencv_version_lines}")
    endforeach()
    set(OpenCVCore_VERSION "${_opencv_MAJOR}.${_opencv_MINOR}.${_opencv_REVISION}")
  endif()
  set(_opencv_core_include "${OpenCVCore_INCLUDE_DIR}")
  set(_opencv_core_libraries "${OpenCVCore_CORE_LIBRARY}" "${OpenCVCore_IMGPROC_LIBRARY}")
endif()

find_package_handle_standard_args(OpenCVCore
  REQUIRED_VARS OpenCVCore_INCLUDE_DIR OpenCVCore_CORE_LIBRARY OpenCVCore_IMGPROC_LIBRARY
  VERSION_VAR OpenCVCore_VERSION)

if(OpenCVCore_FOUND AND NOT TARGET OpenCVCore::OpenCVCore)
  add_library(OpenCVCore::OpenCVCore INTERFACE IMPORTED)
  set_target_properties(OpenCVCore::OpenCVCore PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${_opencv_core_include}"
    INTERFACE_LINK_LIBRARIES "${_opencv_core_libraries}")
endif()
