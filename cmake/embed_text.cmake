# Build-time step: writes a C++ header holding one text file as a string constant, so
# the binary carries files it must write out at run time (the tandem_op Python module)
# while the file stays the source of truth.
# Inputs: IN (the file), OUT (the header), NAME (the constant's name).
file(READ ${IN} content)
string(FIND "${content}" ")embed\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${IN} contains the raw-string terminator )embed\"")
endif()
set(text "// Generated from ${IN} by cmake/embed_text.cmake. Do not edit.
#pragma once
inline constexpr const char ${NAME}[] = R\"embed(${content})embed\";
")
if(EXISTS ${OUT})
  file(READ ${OUT} old)
  if(old STREQUAL text)
    return()
  endif()
endif()
file(WRITE ${OUT} "${text}")
