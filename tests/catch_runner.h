#pragma once
// Runs the Catch2 session (tests/catch_impl.cpp, where Catch2's implementation is compiled once); for the runners.

/// Catch::Session().run(argc, argv): runs the selected tests and returns the process exit status.
int runCatch(int argc, char** argv);
