#include "core/runtime.h"

#include <thread>

#include <torch/torch.h>

namespace tinyforge::core {

int configureThreads(int threads) {
    const int wanted = threads > 0 ? threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    at::set_num_threads(wanted);
    return at::get_num_threads();
}

}  // namespace tinyforge::core
