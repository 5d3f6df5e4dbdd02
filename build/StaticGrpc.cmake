# pyfn_static_grpc_archives(<out-var> [WITHOUT <name>...])
#
# Sets <out-var> to the static archives (full paths) of gRPC++, protobuf and all
# they need on this Debian release:
#   - what `pkg-config --static grpc++ protobuf` lists (it differs per release);
#   - OpenSSL and zlib, which pkg-config may leave implicit;
#   - every libabsl_*.a, because the .pc files do not name all the archives use
#     (bullseye's gRPC 1.30 names no abseil at all; trixie's re2 needs abseil's
#     log_internal, which nothing names).
# Names after WITHOUT (e.g. ssl crypto z) are left to the dynamic linker. A
# missing archive fails the configure step, naming it.
# Link the result inside -Wl,--start-group ... -Wl,--end-group: the archives then
# resolve each other in any order, and the linker takes only the objects that
# something references.
function(pyfn_static_grpc_archives out_var)
  cmake_parse_arguments(ARG "" "" "WITHOUT" ${ARGN})
  find_package(PkgConfig REQUIRED)
  execute_process(COMMAND ${PKG_CONFIG_EXECUTABLE} --static --libs-only-l grpc++ protobuf
                  OUTPUT_VARIABLE pc_libs OUTPUT_STRIP_TRAILING_WHITESPACE
                  RESULT_VARIABLE pc_rc)
  if(NOT pc_rc EQUAL 0)
    message(FATAL_ERROR "pkg-config --static grpc++ protobuf failed")
  endif()
  separate_arguments(pc_libs UNIX_COMMAND "${pc_libs}")
  set(system_libs dl pthread rt m c atomic stdc++ gcc gcc_s ${ARG_WITHOUT})
  set(names "")
  foreach(flag IN LISTS pc_libs)
    if(flag MATCHES "^-l(.+)$" AND NOT CMAKE_MATCH_1 IN_LIST system_libs)
      list(APPEND names ${CMAKE_MATCH_1})
    endif()
  endforeach()
  foreach(name ssl crypto z)
    if(NOT name IN_LIST system_libs)
      list(APPEND names ${name})
    endif()
  endforeach()
  list(REMOVE_DUPLICATES names)
  set(archives "")
  # Cross builds (images' arm64 cells) have the build machine's multiarch directory too:
  # only the target's.
  if(CMAKE_LIBRARY_ARCHITECTURE)
    file(GLOB absl_archives /usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}/libabsl_*.a /usr/lib/libabsl_*.a)
  else()
    file(GLOB absl_archives /usr/lib/*/libabsl_*.a /usr/lib/libabsl_*.a)
  endif()
  list(SORT absl_archives)
  set(missing "")
  foreach(name IN LISTS names)
    string(MAKE_C_IDENTIFIER "PYFN_ARCHIVE_${name}" var)
    find_library(${var} NAMES lib${name}.a)
    if(${var})
      list(APPEND archives ${${var}})
    else()
      list(APPEND missing lib${name}.a)
    endif()
  endforeach()
  if(missing)
    message(FATAL_ERROR "gRPC is linked statically but these archives are missing: "
                        "${missing} (install the matching -dev packages)")
  endif()
  list(APPEND archives ${absl_archives})
  list(REMOVE_DUPLICATES archives)
  set(${out_var} ${archives} PARENT_SCOPE)
endfunction()
