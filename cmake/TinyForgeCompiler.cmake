# Common compile settings, carried by one INTERFACE target that every project target links.
set(CMAKE_CXX_STANDARD 20)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
set(CMAKE_CXX_EXTENSIONS OFF)
set(CMAKE_EXPORT_COMPILE_COMMANDS ON)
if(NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES)
  set(CMAKE_BUILD_TYPE RelWithDebInfo CACHE STRING "Build type" FORCE)
endif()

# The studio's own shared libraries live in lib/tinyforge; the programs find them there wherever the package puts them.
include(GNUInstallDirs)
set(TINYFORGE_INSTALL_LIBDIR "${CMAKE_INSTALL_LIBDIR}/tinyforge")
set(CMAKE_INSTALL_RPATH "$ORIGIN/../${TINYFORGE_INSTALL_LIBDIR}")

# ccache when present: LibTorch translation units are the slow part of every build.
find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM)
  set(CMAKE_C_COMPILER_LAUNCHER ${CCACHE_PROGRAM})
  set(CMAKE_CXX_COMPILER_LAUNCHER ${CCACHE_PROGRAM})
endif()

add_library(tinyforge_flags INTERFACE)
add_library(tinyforge::flags ALIAS tinyforge_flags)
target_compile_features(tinyforge_flags INTERFACE cxx_std_20)
target_include_directories(tinyforge_flags INTERFACE ${PROJECT_SOURCE_DIR})
target_compile_options(tinyforge_flags INTERFACE
  $<$<CXX_COMPILER_ID:GNU,Clang>:-Wall -Wextra -Wpedantic -Wshadow>
  $<$<COMPILE_LANG_AND_ID:CXX,GNU,Clang>:-Wnon-virtual-dtor>)

# AddressSanitizer + UndefinedBehaviorSanitizer for the studio's own code (scripts/sanitize.sh builds and runs the
# core and devices tests this way). LibTorch and Qt are not instrumented; their own code is not checked.
option(TINYFORGE_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
if(TINYFORGE_SANITIZE)
  # GCC's -Wmaybe-uninitialized misfires inside libstdc++'s <regex> under the sanitizers: hundreds of lines of noise.
  target_compile_options(tinyforge_flags INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
                         $<$<CXX_COMPILER_ID:GNU>:-Wno-maybe-uninitialized>)
  target_link_options(tinyforge_flags INTERFACE -fsanitize=address,undefined)
endif()
