#pragma once
// Number formatting the CLI's tables share.

#include <cstdint>
#include <string>

namespace tinyforge::cli {

/// 1234567 -> "1,234,567".
inline std::string withThousands(std::int64_t n) {
    std::string digits = std::to_string(n), out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0 && digits[i - 1] != '-') out += ',';
        out += digits[i];
    }
    return out;
}

}  // namespace tinyforge::cli
