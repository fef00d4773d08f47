# Small helpers in the spirit of abseil's absl_cc_library: one static library per subsystem,
# tests beside the code. A library links only what it may use, so layering is a link error.

# pantau_library(NAME name SRCS ... DEPS ...)
function(pantau_library)
  cmake_parse_arguments(L "" "NAME" "SRCS;DEPS" ${ARGN})
  add_library(pantau_${L_NAME} STATIC ${L_SRCS})
  target_include_directories(pantau_${L_NAME} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(pantau_${L_NAME} PUBLIC ${L_DEPS})
endfunction()

# pantau_test(NAME name SRCS ... DEPS ...): a gtest binary registered with ctest.
function(pantau_test)
  cmake_parse_arguments(T "" "NAME" "SRCS;DEPS" ${ARGN})
  add_executable(${T_NAME} ${T_SRCS})
  target_link_libraries(${T_NAME} PRIVATE ${T_DEPS} GTest::gtest GTest::gtest_main)
  gtest_discover_tests(${T_NAME}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    PROPERTIES ENVIRONMENT "PANTAU_SOURCE_DIR=${PROJECT_SOURCE_DIR}"
    DISCOVERY_TIMEOUT 30)
endfunction()

include(GoogleTest)

# pantau_fuzzer(NAME name SRCS ... DEPS ... CORPUS dir): a libFuzzer target defining
# LLVMFuzzerTestOneInput. With clang and -DPANTAU_FUZZ=ON it links libFuzzer (the `fuzz` preset);
# otherwise it links a small driver that replays the committed corpus, registered with ctest, so
# every build runs every fuzz target over its corpus.
option(PANTAU_FUZZ "Build fuzz targets with libFuzzer (clang only)" OFF)
function(pantau_fuzzer)
  cmake_parse_arguments(F "" "NAME;CORPUS" "SRCS;DEPS" ${ARGN})
  add_executable(${F_NAME} ${F_SRCS})
  target_link_libraries(${F_NAME} PRIVATE ${F_DEPS})
  if(PANTAU_FUZZ)
    target_compile_options(${F_NAME} PRIVATE -fsanitize=fuzzer)
    target_link_options(${F_NAME} PRIVATE -fsanitize=fuzzer)
  else()
    target_sources(${F_NAME} PRIVATE ${PROJECT_SOURCE_DIR}/src/core/fuzz_replay_main.cc)
    add_test(NAME ${F_NAME}.corpus COMMAND ${F_NAME} ${F_CORPUS})
  endif()
endfunction()

# pantau_embed_file(TARGET t FILE f TEMPLATE x.cc.in VARIABLE V): a text file that stays
# editable in the source tree and is carried by the binary: the template's @V@ is replaced by the
# file's text, the result compiled into the target, and CMake re-run when the file changes.
function(pantau_embed_file)
  cmake_parse_arguments(E "" "TARGET;FILE;TEMPLATE;VARIABLE" "" ${ARGN})
  file(READ ${E_FILE} ${E_VARIABLE})
  get_filename_component(name ${E_TEMPLATE} NAME_WE)
  configure_file(${E_TEMPLATE} ${CMAKE_CURRENT_BINARY_DIR}/${name}.cc @ONLY)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${E_FILE})
  target_sources(${E_TARGET} PRIVATE ${CMAKE_CURRENT_BINARY_DIR}/${name}.cc)
endfunction()
