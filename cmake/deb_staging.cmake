# CPack pre-build script (cmake/package.cmake): what Debian asks of the files in a package that
# CMake's install rules do not do, applied to the staging tree whichever rule put them there:
# man pages compressed with gzip -9n, and static libraries without debug information (as
# dh_strip does; CPACK_STRIP_FILES strips only programs and shared libraries).
file(GLOB_RECURSE files LIST_DIRECTORIES false "${CPACK_TEMPORARY_INSTALL_DIRECTORY}/*")
foreach(file IN LISTS files)
  if(file MATCHES "/share/man/man[^/]+/[^/]+$" AND NOT file MATCHES "\\.gz$")
    set(command gzip -9nf "${file}")
  elseif(file MATCHES "\\.a$" AND CPACK_MTASK_STRIP)
    set(command "${CPACK_MTASK_STRIP}" --strip-debug --remove-section=.comment
                --remove-section=.note --enable-deterministic-archives "${file}")
  else()
    continue()
  endif()
  execute_process(COMMAND ${command} RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "deb_staging: failed (${status}): ${command}")
  endif()
endforeach()
