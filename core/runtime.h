#pragma once
// Process-wide set-up of the compute runtime.

namespace tinyforge::core {

/// Sets LibTorch's intra-op thread count: `threads` when > 0, else the machine's cores (LibTorch here starts
/// with one). Returns the count in effect.
int configureThreads(int threads = 0);

}  // namespace tinyforge::core
