# cmake -DCASE=forbidden|allowed -DPROJECT_DIR=... -DCTG_LIBRARY_CMAKE=... -DBINARY_DIR=...
#   -P ctg_library_forbid_test.cmake
# Configures forbid_project/ in BINARY_DIR (from scratch) and checks the outcome of CASE:
# "forbidden" must fail naming each broken rule and its path, "allowed" must succeed.
file(REMOVE_RECURSE ${BINARY_DIR})
execute_process(
  COMMAND ${CMAKE_COMMAND} -S ${PROJECT_DIR} -B ${BINARY_DIR} -DCASE=${CASE}
          -DCTG_LIBRARY_CMAKE=${CTG_LIBRARY_CMAKE}
  RESULT_VARIABLE _result
  OUTPUT_VARIABLE _output
  ERROR_VARIABLE _output)

if(CASE STREQUAL "allowed")
  if(NOT _result EQUAL 0)
    message(FATAL_ERROR "configure failed on a graph without forbidden links:\n${_output}")
  endif()
  return()
endif()

if(_result EQUAL 0)
  message(FATAL_ERROR "configure succeeded although pure links forbidden targets:\n${_output}")
endif()
# Every broken rule, each with its shortest path; nothing on the library that forbids nothing.
set(_expected
  "pure links Forbidden::store (FORBID \"^Forbidden::\"): pure -> adapter -> Forbidden::store"
  "pure links legacy (FORBID \"^legacy$\"): pure -> link_only_user -> legacy"
  "wrapped links Forbidden::store (FORBID \"^Forbidden::\"): wrapped -> wrapped_alias -> adapter -> Forbidden::store")
foreach(_line IN LISTS _expected)
  string(FIND "${_output}" "${_line}" _at)
  if(_at EQUAL -1)
    message(FATAL_ERROR "configure output lacks \"${_line}\":\n${_output}")
  endif()
endforeach()
string(FIND "${_output}" "adapter links" _at)
if(NOT _at EQUAL -1)
  message(FATAL_ERROR "a library without FORBID was reported:\n${_output}")
endif()
