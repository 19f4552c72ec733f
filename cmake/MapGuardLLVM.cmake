# Finds Debian's LLVM/Clang packages for MAPGUARD_LLVM_VERSION and defines the
# interface target `mapguard_llvm_flags` that every analysis target uses.
#
# LLVMConfigVersion.cmake accepts only an exact major.minor match, so
# find_package(LLVM 19) rejects 19.1: search by path and check the major here.
find_package(LLVM REQUIRED CONFIG
  HINTS /usr/lib/llvm-${MAPGUARD_LLVM_VERSION}/lib/cmake/llvm
  NO_DEFAULT_PATH)
if(NOT LLVM_VERSION_MAJOR EQUAL MAPGUARD_LLVM_VERSION)
  message(FATAL_ERROR
    "MapGuard: MAPGUARD_LLVM_VERSION=${MAPGUARD_LLVM_VERSION} but found LLVM "
    "${LLVM_PACKAGE_VERSION} in ${LLVM_DIR}. Install llvm-${MAPGUARD_LLVM_VERSION}-dev "
    "and libclang-${MAPGUARD_LLVM_VERSION}-dev.")
endif()
find_package(Clang REQUIRED CONFIG HINTS ${LLVM_DIR}/../clang NO_DEFAULT_PATH)
message(STATUS "MapGuard: LLVM ${LLVM_PACKAGE_VERSION} from ${LLVM_DIR}")

set(MAPGUARD_LLVM_BIN ${LLVM_TOOLS_BINARY_DIR})
set(MAPGUARD_CLANG_TIDY ${MAPGUARD_LLVM_BIN}/clang-tidy)
set(MAPGUARD_RESOURCE_DIR ${LLVM_LIBRARY_DIR}/clang/${LLVM_VERSION_MAJOR})

add_library(mapguard_llvm_flags INTERFACE)
# -idirafter, not -isystem: /usr/lib/llvm-N/include also holds libc++abi's
# cxxabi.h (from libc++abi-N-dev), which must not shadow libstdc++'s.
foreach(_dir IN LISTS LLVM_INCLUDE_DIRS CLANG_INCLUDE_DIRS)
  target_compile_options(mapguard_llvm_flags INTERFACE "SHELL:-idirafter ${_dir}")
endforeach()
separate_arguments(_mapguard_llvm_defs NATIVE_COMMAND "${LLVM_DEFINITIONS}")
target_compile_options(mapguard_llvm_flags INTERFACE ${_mapguard_llvm_defs})
if(NOT LLVM_ENABLE_RTTI)
  target_compile_options(mapguard_llvm_flags INTERFACE -fno-rtti)
endif()
if(NOT LLVM_ENABLE_EH)
  target_compile_options(mapguard_llvm_flags INTERFACE -fno-exceptions)
endif()
target_compile_options(mapguard_llvm_flags INTERFACE -Wall -Wextra -Wno-unused-parameter)

if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(WARNING
    "MapGuard: the plugin is built with ${CMAKE_CXX_COMPILER_ID}; clang-tidy was "
    "built with Clang, and GCC mangles some of its templates differently, so "
    "the plugin may fail to load. Configure with "
    "-DCMAKE_CXX_COMPILER=clang++-${MAPGUARD_LLVM_VERSION}.")
endif()
