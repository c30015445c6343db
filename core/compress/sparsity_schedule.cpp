#include "core/compress/sparsity_schedule.h"

#include <cmath>
#include <string>

#include "core/error.h"

namespace tinyforge::core::compress {

double sparsityAt(const SparsitySchedule& s, std::int64_t t) {
    if (t <= s.begin) return s.initial;
    const double span = static_cast<double>(s.count * s.interval);
    const double progress = std::min(1.0, static_cast<double>(t - s.begin) / span);
    return s.final + (s.initial - s.final) * std::pow(1.0 - progress, s.exponent);
}

bool isPruningStep(const SparsitySchedule& s, std::int64_t t) {
    return t >= s.begin && (t - s.begin) % s.interval == 0 && (t - s.begin) / s.interval <= s.count;
}

void validate(const SparsitySchedule& s, const char* fieldPath) {
    const std::string path(fieldPath);
    if (!(s.initial >= 0 && s.initial < 1)) throw SettingsError(path + ".initial_sparsity must be in [0, 1)");
    if (!(s.final >= 0 && s.final < 1)) throw SettingsError(path + ".final_sparsity must be in [0, 1)");
    if (s.initial > s.final) throw SettingsError(path + ": initial sparsity exceeds the final sparsity");
    if (s.interval < 1 || s.count < 1 || s.begin < 0) {
        throw SettingsError(path + ": begin_step must be >= 0, and interval and updates >= 1");
    }
    if (!(s.exponent > 0)) throw SettingsError(path + ".exponent must be > 0");
}

}  // namespace tinyforge::core::compress
