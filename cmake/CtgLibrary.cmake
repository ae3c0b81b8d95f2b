# ctg_cc_library: one way to declare a library of ours, with the layer rules it must keep.
#
#   ctg_cc_library(NAME <target>
#                  [SRCS <file>...] [HDRS <file>...]
#                  [DEPS <target>...] [PRIVATE_DEPS <target>...]
#                  [FORBID <regex>...]
#                  [INTERFACE] [MODULE])
#
# Declares <target> as a STATIC library of SRCS (HDRS listed for IDEs), or as an INTERFACE library
# when it has no SRCS or says INTERFACE. DEPS are linked PUBLIC (INTERFACE for an interface
# library), PRIVATE_DEPS and ctg_warnings PRIVATE (an interface library takes neither).
#
# MODULE marks a context's module library (services/<context>/api/): ctgd's composition root
# (services/server) links every library so marked, so that a new context needs no CMake edit
# outside its folder.
#
# FORBID takes regexes over the names in the link graph (targets, or plain library names), e.g.
# "^gRPC::" or "^ctg_eventstore$". When configuration ends, every library that declared FORBID
# patterns has its transitive link graph walked (LINK_LIBRARIES and INTERFACE_LINK_LIBRARIES,
# $<LINK_ONLY:x> counting as x, other generator expressions skipped); if a name matches, the
# configuration stops with FATAL_ERROR naming the library, the forbidden name and the path that
# reaches it. This runs in every build, tests on or off.
#
# ctg_forbid_links(<target> <regex>...) records the same rule for a target declared otherwise
# (generated proto libraries).
#
# Pattern sets for the layer rules (README.md of each folder says who may depend on what):
#   CTG_GRPC_LINKS      gRPC itself and every target of generated service stubs
#   CTG_ROCKSDB_LINKS   RocksDB
#   CTG_PROTOBUF_LINKS  protobuf and every generated proto library
#   CTG_SERVICES_LINKS  every library of services/
#   CTG_V1_PROTO_LINKS  every library of ctg.v1 messages, all contexts
#   CTG_DECIDER_LINKS   what a decider (services/{partners,plans,staffing,persons}) must not reach
#                       (services/README.md): gRPC, RocksDB, the event store, the command
#                       platform and the other services/ libraries that use them, and the
#                       all-contexts ctg_proto (a decider links the messages of its own context
#                       and of those it depends on)
include_guard(GLOBAL)

set(CTG_GRPC_LINKS "^gRPC::" "^grpc" "_grpc$" "_grpc_proto$")
set(CTG_ROCKSDB_LINKS "^RocksDB::" "^rocksdb")
set(CTG_PROTOBUF_LINKS "^protobuf::" "^ctg_proto" "_proto$")
set(CTG_SERVICES_LINKS
    "^ctg_(api|server|platform|platform_errors|work_queue|vault|audit|partners|plans|staffing|persons)$"
    "^ctg_(audit|partners|plans|staffing|persons)_api$")
set(CTG_V1_PROTO_LINKS "^ctg_(common|partners|plans|staffing|persons|audit|admin)_proto$" "^ctg_proto$")
set(CTG_DECIDER_LINKS ${CTG_GRPC_LINKS} ${CTG_ROCKSDB_LINKS} "^ctg_eventstore$"
    "^ctg_(platform|api|server|vault|work_queue|audit)$" "^ctg_.*_api$" "^ctg_proto$")

function(ctg_cc_library)
  cmake_parse_arguments(PARSE_ARGV 0 ARG "INTERFACE;MODULE" "NAME" "SRCS;HDRS;DEPS;PRIVATE_DEPS;FORBID")
  if(NOT ARG_NAME)
    message(FATAL_ERROR "ctg_cc_library: NAME is required")
  endif()
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "ctg_cc_library(${ARG_NAME}): unknown arguments ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  if(ARG_INTERFACE OR NOT ARG_SRCS)
    if(ARG_SRCS OR ARG_PRIVATE_DEPS)
      message(FATAL_ERROR "ctg_cc_library(${ARG_NAME}): an INTERFACE library has no SRCS nor PRIVATE_DEPS")
    endif()
    add_library(${ARG_NAME} INTERFACE ${ARG_HDRS})
    target_link_libraries(${ARG_NAME} INTERFACE ${ARG_DEPS})
  else()
    add_library(${ARG_NAME} STATIC ${ARG_SRCS} ${ARG_HDRS})
    target_link_libraries(${ARG_NAME} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS} ctg_warnings)
  endif()
  if(ARG_FORBID)
    ctg_forbid_links(${ARG_NAME} ${ARG_FORBID})
  endif()
  if(ARG_MODULE)
    set_property(GLOBAL APPEND PROPERTY CTG_MODULE_LIBRARIES ${ARG_NAME})
  endif()
endfunction()

function(ctg_forbid_links target)
  set_property(TARGET ${target} APPEND PROPERTY CTG_FORBIDDEN_LINKS ${ARGN})
  set_property(GLOBAL APPEND PROPERTY CTG_LIBRARIES_WITH_FORBIDDEN_LINKS ${target})
endfunction()

# The names <target> links directly, from LINK_LIBRARIES (a built non-interface target's own
# links, private ones included) and INTERFACE_LINK_LIBRARIES, into <out>. $<LINK_ONLY:x> counts
# as x; any other generator expression is skipped whole, even when its ';' split it in pieces;
# the "::@" directory markers CMake inserts are dropped.
function(_ctg_direct_links target out)
  set(_properties INTERFACE_LINK_LIBRARIES)
  get_target_property(_type ${target} TYPE)
  get_target_property(_imported ${target} IMPORTED)
  if(NOT _type STREQUAL "INTERFACE_LIBRARY" AND NOT _imported)
    list(APPEND _properties LINK_LIBRARIES)
  endif()
  set(_links "")
  foreach(_property ${_properties})
    get_target_property(_items ${target} ${_property})
    if(NOT _items)
      continue()
    endif()
    set(_depth 0)  # unclosed "$<" of a generator expression split by ';'
    foreach(_item IN LISTS _items)
      string(REGEX MATCHALL "\\$<" _opens "${_item}")
      string(REGEX MATCHALL ">" _closes "${_item}")
      list(LENGTH _opens _open_count)
      list(LENGTH _closes _close_count)
      if(_depth EQUAL 0 AND _item MATCHES "^\\$<LINK_ONLY:([^$<>]+)>$")
        list(APPEND _links ${CMAKE_MATCH_1})
      elseif(_depth EQUAL 0 AND _open_count EQUAL 0 AND NOT _item MATCHES "^::@")
        list(APPEND _links ${_item})
      else()
        math(EXPR _depth "${_depth} + ${_open_count} - ${_close_count}")
        if(_depth LESS 0)
          set(_depth 0)
        endif()
      endif()
    endforeach()
  endforeach()
  set(${out} ${_links} PARENT_SCOPE)
endfunction()

# Walks <library>'s link graph breadth first and appends to <out> one line per forbidden name it
# reaches: the name, the pattern it matches and the shortest path to it. A forbidden name is not
# walked further.
function(_ctg_forbidden_links_of library out)
  get_target_property(_patterns ${library} CTG_FORBIDDEN_LINKS)
  set(_found "")
  set(_seen ${library})
  _ctg_direct_links(${library} _pending)
  set(_paths "")
  foreach(_link IN LISTS _pending)
    list(APPEND _paths "${library} -> ${_link}")
  endforeach()
  while(_pending)
    list(POP_FRONT _pending _current)
    list(POP_FRONT _paths _path)
    if(_current IN_LIST _seen)
      continue()
    endif()
    list(APPEND _seen ${_current})
    set(_forbidden FALSE)
    foreach(_pattern IN LISTS _patterns)
      if(_current MATCHES "${_pattern}")
        list(APPEND _found
             "  ${library} links ${_current} (FORBID \"${_pattern}\"): ${_path}")
        set(_forbidden TRUE)
        break()
      endif()
    endforeach()
    if(_forbidden OR NOT TARGET ${_current})
      continue()
    endif()
    get_target_property(_aliased ${_current} ALIASED_TARGET)
    if(_aliased)
      set(_next ${_aliased})
    else()
      _ctg_direct_links(${_current} _next)
    endif()
    foreach(_link IN LISTS _next)
      list(APPEND _pending ${_link})
      list(APPEND _paths "${_path} -> ${_link}")
    endforeach()
  endwhile()
  set(${out} ${${out}} ${_found} PARENT_SCOPE)
endfunction()

function(_ctg_check_forbidden_links)
  get_property(_libraries GLOBAL PROPERTY CTG_LIBRARIES_WITH_FORBIDDEN_LINKS)
  list(REMOVE_DUPLICATES _libraries)
  set(_violations "")
  foreach(_library IN LISTS _libraries)
    _ctg_forbidden_links_of(${_library} _violations)
  endforeach()
  if(_violations)
    list(JOIN _violations "\n" _report)
    message(FATAL_ERROR "Layer rules broken (FORBID of ctg_cc_library, cmake/CtgLibrary.cmake):\n"
                        "${_report}")
  endif()
endfunction()

# Once every CMakeLists.txt has run, so that every target exists.
cmake_language(DEFER DIRECTORY ${CMAKE_SOURCE_DIR} CALL _ctg_check_forbidden_links)
