// Sweep files: axes, strategies and budgets planned into points over a fixed valid base recipe (base.json beside it).
#include "core/error.h"
#include "core/sweep/sweep_plan.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const tinyforge::fuzz::InputFolder folder("sweep");
    static const char kBase[] = R"({"name": "base", "dataset": {"path": "iris.csv"}, "teacher": {"arch": "mlp", "hidden": [8]},
        "student": {"arch": "mlp", "hidden": [4]}, "prune": {"final_sparsity": 0.5}, "quantize": {"mode": "ptq"}})";
    folder.write("base.json", kBase, sizeof kBase - 1);
    try {
        const auto plan = tinyforge::core::sweep::planSweep(folder.write("sweep.json", data, size));
        (void)tinyforge::core::sweep::planJson(plan).dump();
    } catch (const tinyforge::Error&) {
    }
    return 0;
}
