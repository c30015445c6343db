// The runner of every test executable without set-up of its own (Catch2 itself: catch_impl.cpp).
#include "tests/catch_runner.h"

int main(int argc, char** argv) { return runCatch(argc, argv); }
