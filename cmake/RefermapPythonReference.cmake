# Finds the Python interpreter that can import the reference implementations the parity tests
# compare against (Debian's python3-torch and python3-torchvision). Debian's packages belong to
# /usr/bin/python3, which is often not the first python3 on PATH (pyenv, venvs): every candidate is
# asked, and configuring fails loudly when none can import them.
#
# Sets REFERMAP_PYTHON (cache) to the interpreter's full path.

function(refermap_find_reference_python)
  set(probe "import torch, torchvision, numpy; print(torch.__version__)")
  if(REFERMAP_PYTHON)
    set(candidates "${REFERMAP_PYTHON}")
  else()
    set(candidates /usr/bin/python3)
    find_program(_refermap_path_python NAMES python3 python NO_CACHE)
    if(_refermap_path_python)
      list(APPEND candidates "${_refermap_path_python}")
    endif()
  endif()

  set(tried "")
  foreach(candidate IN LISTS candidates)
    if(NOT EXISTS "${candidate}")
      continue()
    endif()
    execute_process(COMMAND "${candidate}" -c "${probe}"
      RESULT_VARIABLE result OUTPUT_VARIABLE version ERROR_VARIABLE error
      OUTPUT_STRIP_TRAILING_WHITESPACE)
    if(result EQUAL 0)
      set(REFERMAP_PYTHON "${candidate}" CACHE FILEPATH "Python that imports torch and torchvision" FORCE)
      set(REFERMAP_PYTHON_TORCH_VERSION "${version}" CACHE INTERNAL "")
      message(STATUS "Reference Python for parity tests: ${candidate} (torch ${version})")
      return()
    endif()
    string(REGEX MATCH "[A-Za-z]*Error: [^\n]*" reason "${error}")
    list(APPEND tried "${candidate} (${reason})")
  endforeach()
  list(JOIN tried "\n  " tried_text)
  message(FATAL_ERROR
    "No Python interpreter can import torch, torchvision and numpy, which the parity tests need.\n"
    "Tried:\n  ${tried_text}\n"
    "Install them with packaging/install-deps.sh (Debian's python3-torch, python3-torchvision), or "
    "point -DREFERMAP_PYTHON=/path/to/python3 at an interpreter that has them.")
endfunction()
