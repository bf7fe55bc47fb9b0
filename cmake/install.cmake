# What `cmake --install` puts where (docs/packaging.md, "Install layout"), in two components:
#   bin  the mtask program and its documentation (Debian package mtask)
#   dev  the static libraries, the public headers and the CMake package (libmtask-dev)
# The man page and the shell completions add their own rules with COMPONENT bin.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS mtask RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT bin)
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT bin)
# docs/ keeps its place beside the README, so that the links between them still work.
file(GLOB mtask_docs CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/docs/*.md)
install(FILES ${mtask_docs} DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs COMPONENT bin)
install(DIRECTORY docs/img DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs COMPONENT bin)
# The example task files and CI pipelines docs/ci.md links to, and the smoke test docs/smoke.md
# walks through, where Debian keeps examples.
install(DIRECTORY examples/tasks examples/ci examples/smoke
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples COMPONENT bin)

# The library for C++ users. mtask_grammar, mtask_text and mtask_posix are OBJECT libraries
# whose objects mtask_base holds: they are not installed, the package config names them.
# mtask_fmt and mtask_spdlog travel along (as mtask::internal_fmt, mtask::internal_spdlog) so
# that a consumer uses fmt and spdlog as the library was built with them (shared, or
# header-only with MTASK_SELF_CONTAINED); mtask_warnings stays behind ($<BUILD_INTERFACE>).
set(mtask_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/mtask)
set_target_properties(mtask_fmt PROPERTIES EXPORT_NAME internal_fmt)
set_target_properties(mtask_spdlog PROPERTIES EXPORT_NAME internal_spdlog)
install(TARGETS mtask_base mtask_engine mtask_reporters mtask_plan mtask_core mtask_fmt mtask_spdlog
        EXPORT mtaskTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY lib/include/mtask DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dev)
install(EXPORT mtaskTargets NAMESPACE mtask:: DESTINATION ${mtask_cmake_dir} COMPONENT dev)

# SameMajorVersion: a new major version is where the library's API may break, so a project that
# asks for 1.2 gets any 1.x from 1.2 on but never 2.0 (AnyNewerVersion would hand it 2.0).
# spdlog is found only when the library links Debian's shared one (not MTASK_SELF_CONTAINED).
if(MTASK_SELF_CONTAINED)
  set(mtask_needs_spdlog_value FALSE)
else()
  set(mtask_needs_spdlog_value TRUE)
endif()
configure_file(cmake/mtaskConfig.cmake.in ${PROJECT_BINARY_DIR}/mtaskConfig.cmake @ONLY)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/mtaskConfigVersion.cmake
                                 COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/mtaskConfig.cmake ${PROJECT_BINARY_DIR}/mtaskConfigVersion.cmake
        DESTINATION ${mtask_cmake_dir} COMPONENT dev)
