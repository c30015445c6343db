// summary.json of a run folder (another studio's, or edited by hand): read through the typed contract.
#include "core/error.h"
#include "core/results/summary_file.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const tinyforge::fuzz::InputFile file(data, size, "summary.json");
    try {
        tinyforge::core::results::readSummary(file.folder());
    } catch (const tinyforge::Error&) {
    }
    return 0;
}
