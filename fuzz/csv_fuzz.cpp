// CSV tables: every record read, never a crash; bad tables refused with DataError.
#include "core/data/csv_table.h"
#include "core/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        tinyforge::core::data::parseCsv(std::string(reinterpret_cast<const char*>(data), size), "fuzz.csv");
    } catch (const tinyforge::Error&) {
    }
    return 0;
}
