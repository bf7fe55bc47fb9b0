# The Debian packages, made by CPack's DEB generator from the two install components
# (docs/packaging.md, "Debian packages"); `bash scripts/package` is the way to run it.
#   mtask         component bin: the program, man page, completions, docs
#   libmtask-dev  component dev: static libraries, headers, the CMake package
option(MTASK_DEBIAN_DOCS
       "Install each package's copyright and changelog.gz into /usr/share/doc/PACKAGE, as Debian \
wants them (on in the 'package' preset)" OFF)
set(MTASK_PACKAGE_MAINTAINER "mtask maintainers <maintainers@mtask.invalid>"
    CACHE STRING "The Maintainer of the Debian packages: NAME <EMAIL>")

set(mtask_deb_bin mtask)
set(mtask_deb_dev libmtask-dev)

if(MTASK_DEBIAN_DOCS)
  # copyright: machine-readable (DEP-5), the licence text from LICENSE after its first three
  # lines (title, blank, copyright), each line indented and a blank line written " .".
  file(STRINGS ${PROJECT_SOURCE_DIR}/LICENSE mtask_license_lines)
  list(SUBLIST mtask_license_lines 3 -1 mtask_license_lines)
  set(mtask_license_text "")
  foreach(line IN LISTS mtask_license_lines)
    if(line STREQUAL "")
      set(line ".")
    endif()
    string(APPEND mtask_license_text " ${line}\n")
  endforeach()
  string(STRIP "${mtask_license_text}" mtask_license_text)
  set(mtask_license_text " ${mtask_license_text}")
  configure_file(cmake/debian/copyright.in ${PROJECT_BINARY_DIR}/debian/copyright @ONLY)

  # changelog.gz (a native package: no Debian revision, so no changelog.Debian.gz), dated from
  # the commit when there is one (SOURCE_DATE_EPOCH or the clock otherwise), gzip -9n as
  # Debian asks (no name, no time stamp inside).
  find_package(Git QUIET)
  set(mtask_changelog_date "")
  if(GIT_EXECUTABLE)
    execute_process(COMMAND ${GIT_EXECUTABLE} -C ${PROJECT_SOURCE_DIR} log -1 --format=%aD
                    OUTPUT_VARIABLE mtask_changelog_date OUTPUT_STRIP_TRAILING_WHITESPACE
                    RESULT_VARIABLE mtask_git_status ERROR_QUIET)
    if(NOT mtask_git_status EQUAL 0)
      set(mtask_changelog_date "")
    endif()
  endif()
  if(mtask_changelog_date STREQUAL "")
    string(TIMESTAMP mtask_changelog_date "%a, %d %b %Y %H:%M:%S +0000" UTC)
  endif()
  configure_file(cmake/debian/changelog.in ${PROJECT_BINARY_DIR}/debian/changelog @ONLY)
  add_custom_command(OUTPUT ${PROJECT_BINARY_DIR}/debian/changelog.gz
                     COMMAND gzip -9nc changelog > changelog.gz
                     DEPENDS ${PROJECT_BINARY_DIR}/debian/changelog
                     WORKING_DIRECTORY ${PROJECT_BINARY_DIR}/debian)
  add_custom_target(mtask_debian_changelog ALL DEPENDS ${PROJECT_BINARY_DIR}/debian/changelog.gz)

  foreach(component bin dev)
    install(FILES ${PROJECT_BINARY_DIR}/debian/copyright ${PROJECT_BINARY_DIR}/debian/changelog.gz
            DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/${mtask_deb_${component}}
            COMPONENT ${component})
  endforeach()
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME mtask)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
# CPack's own default summary, which its DEB generator does not put before a component's
# description: the first line of CPACK_DEBIAN_<COMPONENT>_DESCRIPTION is then that package's
# synopsis.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${CMAKE_PROJECT_NAME} built using CMake")
set(CPACK_PACKAGE_CONTACT ${MTASK_PACKAGE_MAINTAINER})
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_STRIP_FILES ON)
# Every component that install rules name (bin and dev; a rule without one is not packaged).
set(CPACK_COMPONENTS_ALL bin dev)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CMAKE_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

set(CPACK_DEBIAN_BIN_PACKAGE_NAME ${mtask_deb_bin})
set(CPACK_DEBIAN_BIN_PACKAGE_SECTION utils)
# dpkg-shlibdeps names the shared libraries the program loads: libc6 alone when built
# MTASK_SELF_CONTAINED (the package preset), else also libstdc++, libfmt and libspdlog.
set(CPACK_DEBIAN_BIN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_BIN_DESCRIPTION
    "run several tasks at once and show what happens
mtask runs several tasks at once, one child process each, and shows every
child's PID and parent PID, their output interleaved line by line, how each
one ended (exit code or signal, CPU time, peak memory) and how much wall time
running them together saved. Reports for CI (JUnit, JSON Lines, joblog,
traces) and a timeline come with it.")

set(CPACK_DEBIAN_DEV_PACKAGE_NAME ${mtask_deb_dev})
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
# What find_package(mtask) looks for in turn (cmake/mtaskConfig.cmake.in).
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS libfmt-dev)
if(NOT MTASK_SELF_CONTAINED)
  string(APPEND CPACK_DEBIAN_DEV_PACKAGE_DEPENDS ", libspdlog-dev")
endif()
set(CPACK_DEBIAN_DEV_DESCRIPTION
    "multitask runner library: headers, static libraries, CMake package
The library behind mtask, for C++ programs that start tasks as child
processes, read their output and report how they ended: find_package(mtask)
gives the CMake target mtask::core (and mtask::engine, mtask::reporters,
mtask::base).")

# Man pages gzip-compressed and static libraries stripped of debug information, in the staging
# tree before the packages are made.
set(CPACK_PRE_BUILD_SCRIPTS ${PROJECT_SOURCE_DIR}/cmake/deb_staging.cmake)
set(CPACK_MTASK_STRIP ${CMAKE_STRIP})

include(CPack)
