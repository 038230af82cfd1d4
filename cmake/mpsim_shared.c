/*
 * The one source of the shared library libmpsim.so.  Its code is the
 * static library's, linked in whole (CMakeLists.txt), so the engine
 * compiles once; CMake wants a source of the target's own, and ISO C wants
 * a translation unit to declare something.
 */
typedef int mps_shared_library_unit;
