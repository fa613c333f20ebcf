# Per-target settings shared by every ReferMap target: language level, warnings, sanitizers.
# Nothing here touches global flags; each target opts in through refermap_configure_target().

function(refermap_configure_target target)
  target_compile_features(${target} PRIVATE cxx_std_17)
  set_target_properties(${target} PROPERTIES CXX_EXTENSIONS OFF)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE
      -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Woverloaded-virtual
      -Wformat=2 -Wimplicit-fallthrough)
  endif()
  if(REFERMAP_SANITIZERS)
    list(JOIN REFERMAP_SANITIZERS "," sanitizers)
    target_compile_options(${target} PRIVATE -fsanitize=${sanitizers} -fno-omit-frame-pointer)
    target_link_options(${target} PRIVATE -fsanitize=${sanitizers})
  endif()
endfunction()

# refermap_add_library(<name> [SOURCES ...]) — a core/ui library `refermap_<name>` with the alias
# `refermap::<name>`; its headers are included as "refermap/<layer>/<file>.h" style paths from the
# folder above the library's own.
function(refermap_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES" ${ARGN})
  add_library(refermap_${name} ${ARG_SOURCES})
  add_library(refermap::${name} ALIAS refermap_${name})
  refermap_configure_target(refermap_${name})
  set_target_properties(refermap_${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
endfunction()
