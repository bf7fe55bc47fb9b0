# The test install.consumer (test/CMakeLists.txt): installs the build BUILD_DIR into a scratch
# prefix, checks that the exported targets carry none of mtask's own warning flags, builds
# SOURCE_DIR/examples as a separate project against the prefix (find_package(mtask CONFIG)),
# and runs its lesson programs (mtask::run_tasks, mtask::Process) through that project's own tests.
#   -DBUILD_DIR -DSOURCE_DIR -DWORK_DIR -DGENERATOR -DCXX -DBUILD_TYPE -DCXX_FLAGS -DLINKER_FLAGS
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    list(JOIN ARGN " " command)
    message(FATAL_ERROR "install.consumer: failed (${status}): ${command}")
  endif()
endfunction()

set(prefix ${WORK_DIR}/prefix)
set(build ${WORK_DIR}/examples)
file(REMOVE_RECURSE ${WORK_DIR})

run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})

file(GLOB_RECURSE exported ${prefix}/*/cmake/mtask/mtaskTargets*.cmake)
if(NOT exported)
  message(FATAL_ERROR "install.consumer: no mtaskTargets.cmake under ${prefix}")
endif()
foreach(file IN LISTS exported)
  file(READ ${file} text)
  if(text MATCHES "-W[a-z]")
    message(FATAL_ERROR "install.consumer: ${file} passes warning flags on to consumers")
  endif()
endforeach()

run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/examples -B ${build} -G ${GENERATOR}
    -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_BUILD_TYPE=${BUILD_TYPE}
    "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}" "-DCMAKE_EXE_LINKER_FLAGS=${LINKER_FLAGS}")
run(${CMAKE_COMMAND} --build ${build} --target example_lesson_processes example_lesson_process)
run(${CMAKE_CTEST_COMMAND} --test-dir ${build} -R "^example.lesson_process(es)?$"
    --output-on-failure --no-tests=error)
