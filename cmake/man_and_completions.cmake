# The manual page and the shell completions, installed with the program (COMPONENT bin).
# Included from the top-level CMakeLists.txt after app/ (the completions are written by the
# built mtask). docs/usage.md, "Manual page" and "Shell completion", says where they go.
include(GNUInstallDirs)

# mtask(1): generated from docs/man/mtask.1.scd by scripts/gen_man (scdoc) and committed, so
# that a build never needs scdoc. The target `man` regenerates it where scdoc is installed.
install(FILES ${PROJECT_SOURCE_DIR}/docs/man/mtask.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1
        COMPONENT bin)
find_program(MTASK_SCDOC scdoc)
mark_as_advanced(MTASK_SCDOC)
if(MTASK_SCDOC)
  add_custom_target(man COMMAND bash ${PROJECT_SOURCE_DIR}/scripts/gen_man
                    COMMENT "Writing docs/man/mtask.1 from docs/man/mtask.1.scd" VERBATIM)
endif()

# The completions: `mtask completion SHELL`, run at build time, each named as its shell looks
# for it. A cross build cannot run the mtask it builds: it installs none.
if(CMAKE_CROSSCOMPILING AND NOT CMAKE_CROSSCOMPILING_EMULATOR)
  message(STATUS "mtask: cross-compiling, the shell completions are not built")
  return()
endif()
set(mtask_completions_dir ${PROJECT_BINARY_DIR}/completions)
set(mtask_completion_files bash/mtask zsh/_mtask fish/mtask.fish)
set(mtask_completion_outputs "")
foreach(file IN LISTS mtask_completion_files)
  get_filename_component(shell ${file} DIRECTORY)
  set(output ${mtask_completions_dir}/${file})
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${mtask_completions_dir}/${shell}
    COMMAND sh -c "\"$@\" completion ${shell} > \"${output}.tmp\"" sh
            ${CMAKE_CROSSCOMPILING_EMULATOR} $<TARGET_FILE:mtask>
    COMMAND ${CMAKE_COMMAND} -E rename ${output}.tmp ${output}
    DEPENDS mtask
    COMMENT "Writing the ${shell} completion of mtask"
    VERBATIM)
  list(APPEND mtask_completion_outputs ${output})
endforeach()
add_custom_target(mtask_completions ALL DEPENDS ${mtask_completion_outputs})

# bash-completion's own directory when it lies under our prefix (pkg-config tells it);
# elsewhere (another prefix, no bash-completion) the same place under ours.
set(mtask_bash_dir ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND)
  pkg_get_variable(mtask_bash_completionsdir bash-completion completionsdir)
  string(FIND "${mtask_bash_completionsdir}" "${CMAKE_INSTALL_PREFIX}/" mtask_bash_at)
  if(mtask_bash_at EQUAL 0)
    file(RELATIVE_PATH mtask_bash_dir ${CMAKE_INSTALL_PREFIX} ${mtask_bash_completionsdir})
  endif()
endif()
install(FILES ${mtask_completions_dir}/bash/mtask DESTINATION ${mtask_bash_dir} COMPONENT bin)
# zsh: Debian's zsh reads vendor-completions under /usr only; under another prefix (as
# /usr/local) its fpath has site-functions.
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(mtask_zsh_dir ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
else()
  set(mtask_zsh_dir ${CMAKE_INSTALL_DATADIR}/zsh/site-functions)
endif()
install(FILES ${mtask_completions_dir}/zsh/_mtask DESTINATION ${mtask_zsh_dir} COMPONENT bin)
install(FILES ${mtask_completions_dir}/fish/mtask.fish
        DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d COMPONENT bin)
