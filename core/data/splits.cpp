#include "core/data/splits.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

namespace tinyforge::core::data {

namespace {

}  // namespace

// Fisher-Yates with a uniform draw by rejection.
void seededShuffle(std::vector<std::int64_t>& items, std::mt19937_64& rng) {
    for (std::size_t i = items.size(); i > 1; --i) {
        const std::uint64_t bound = i;
        const std::uint64_t limit = std::numeric_limits<std::uint64_t>::max() - std::numeric_limits<std::uint64_t>::max() % bound;
        std::uint64_t draw = rng();
        while (draw >= limit) draw = rng();
        std::swap(items[i - 1], items[draw % bound]);
    }
}

namespace {

std::vector<std::vector<std::int64_t>> indicesByClass(const std::vector<std::int64_t>& labels,
                                                      std::int64_t classCount, std::int64_t begin,
                                                      std::int64_t end) {
    std::vector<std::vector<std::int64_t>> byClass(static_cast<std::size_t>(classCount));
    for (std::int64_t i = begin; i < end; ++i) byClass[static_cast<std::size_t>(labels[i])].push_back(i);
    return byClass;
}

std::size_t share(std::size_t count, double fraction) {
    return static_cast<std::size_t>(std::llround(static_cast<double>(count) * fraction));
}

void append(std::vector<std::int64_t>& to, std::vector<std::int64_t>::const_iterator first,
            std::vector<std::int64_t>::const_iterator last) {
    to.insert(to.end(), first, last);
}

}  // namespace

Splits stratifiedSplits(const std::vector<std::int64_t>& labels, std::int64_t classCount,
                        std::int64_t officialTestBegin, double valFraction, double testFraction,
                        std::uint64_t seed, double trainFraction) {
    const auto total = static_cast<std::int64_t>(labels.size());
    const bool hasOfficialTest = officialTestBegin >= 0;
    const std::int64_t poolEnd = hasOfficialTest ? officialTestBegin : total;

    Splits splits;
    std::mt19937_64 rng(seed);
    for (auto& members : indicesByClass(labels, classCount, 0, poolEnd)) {
        seededShuffle(members, rng);
        const std::size_t testCount = hasOfficialTest ? 0 : share(members.size(), testFraction);
        const std::size_t valCount = std::min(share(members.size() - testCount, valFraction),
                                              members.size() - testCount);
        const auto testEnd = members.cbegin() + static_cast<std::ptrdiff_t>(testCount);
        const auto valEnd = testEnd + static_cast<std::ptrdiff_t>(valCount);
        append(splits.test, members.cbegin(), testEnd);
        append(splits.val, testEnd, valEnd);
        const auto rest = static_cast<std::size_t>(members.cend() - valEnd);
        const std::size_t trainCount = trainFraction >= 1 || rest == 0 ? rest : std::clamp<std::size_t>(share(rest, trainFraction), 1, rest);
        append(splits.train, valEnd, valEnd + static_cast<std::ptrdiff_t>(trainCount));
    }
    for (std::int64_t i = poolEnd; i < total; ++i) splits.test.push_back(i);
    for (auto* split : {&splits.train, &splits.val, &splits.test}) std::sort(split->begin(), split->end());
    return splits;
}

}  // namespace tinyforge::core::data
