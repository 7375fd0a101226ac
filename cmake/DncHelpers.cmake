# Shared build helpers: warnings, and one target per test/bench file.

# dnc_set_warnings(target): the warning set every first-party target uses.
function(dnc_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wshadow -Wno-unused-parameter)
  if(DNC_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# dnc_add_library(name SOURCES... [DEPS...]): a module library rooted at the
# repository top so includes read "storage/hash_filter.h".
function(dnc_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
  dnc_set_warnings(${name})
endfunction()

# dnc_concurrency_tests: every test binary labelled "concurrency" (what
# scripts/test.sh builds and runs under ThreadSanitizer).
add_custom_target(dnc_concurrency_tests)

# dnc_add_test(file.cc DEPS... [LABELS...] [TIMEOUT s]): a test binary named
# after the file, with every TEST registered separately in ctest.
function(dnc_add_test file)
  cmake_parse_arguments(ARG "" "TIMEOUT" "DEPS;LABELS" ${ARGN})
  get_filename_component(name ${file} NAME_WE)
  add_executable(${name} ${file})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} dnc_testing GTest::gmock GTest::gtest_main)
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  dnc_set_warnings(${name})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60
    PROPERTIES TIMEOUT ${ARG_TIMEOUT} LABELS "${ARG_LABELS}")
  if("concurrency" IN_LIST ARG_LABELS)
    add_dependencies(dnc_concurrency_tests ${name})
  endif()
endfunction()

# dnc_add_bench(file.cc DEPS...): a Google Benchmark binary named after the file.
function(dnc_add_bench file)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  get_filename_component(name ${file} NAME_WE)
  add_executable(${name} ${file})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} benchmark::benchmark)
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bench)
  dnc_set_warnings(${name})
  add_dependencies(benches ${name})
endfunction()

# ThreadSanitizer builds annotate Debian's uninstrumented absl::Mutex.
if(DNC_SANITIZE MATCHES "thread")
  include(${PROJECT_SOURCE_DIR}/tests/sanitizer/tsan_absl_sync.cmake)
endif()
