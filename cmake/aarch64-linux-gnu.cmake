# Cross-compiling Foyer for 64-bit Raspberry Pi OS / Debian 12 arm64 with
# Debian's cross toolchain (crossbuild-essential-arm64) and the arm64 -dev
# packages installed beside the native ones (multiarch): scripts/cross-arm64.
#   cmake -S . -B build-arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
# Multiarch: libraries and CMake packages in /usr/lib/aarch64-linux-gnu,
# headers shared in /usr/include.
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")
# Test programs (and gtest_discover_tests) run under user-mode emulation;
# `-L /` takes the arm64 dynamic loader and libc from the multiarch tree
# (not /usr/aarch64-linux-gnu: mixing two libc builds hangs threaded programs).
set(CMAKE_CROSSCOMPILING_EMULATOR "/usr/bin/qemu-aarch64;-L;/")
# Host programs (node, npm, curl, mosquitto_pub) come from the build machine;
# libraries, headers and packages must be the arm64 ones.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
