#include "core/compress/size_accounting.h"

#include <functional>
#include <queue>

namespace tinyforge::core::compress {

namespace {
std::int64_t bitsToBytes(std::int64_t bits) { return (bits + 7) / 8; }
}  // namespace

std::int64_t denseBytes(std::int64_t count, int bits) { return bitsToBytes(count * bits); }

std::int64_t bitmaskSparseBytes(std::int64_t count, std::int64_t nonzeros, int valueBits) {
    return bitsToBytes(count) + bitsToBytes(nonzeros * valueBits);
}

std::int64_t relativeIndexEntries(std::span<const std::uint8_t> nonzeroMask, int indexBits) {
    const std::int64_t maxGap = (1ll << indexBits) - 1;
    std::int64_t entries = 0, previous = -1;
    for (std::size_t i = 0; i < nonzeroMask.size(); ++i) {
        if (!nonzeroMask[i]) continue;
        std::int64_t gap = static_cast<std::int64_t>(i) - previous;
        while (gap > maxGap) {  // a filler zero stands maxGap further on
            ++entries;
            gap -= maxGap;
        }
        ++entries;
        previous = static_cast<std::int64_t>(i);
    }
    return entries;
}

std::int64_t relativeIndexSparseBytes(std::span<const std::uint8_t> nonzeroMask, int bits, int valueBits) {
    return bitsToBytes(relativeIndexEntries(nonzeroMask, bits) * (bits + valueBits));
}

int indexBits(int clusters) {
    int bits = 1;
    while ((1 << bits) < clusters) ++bits;
    return bits;
}

std::int64_t clusteredBytes(std::int64_t entries, int clusters, int codebookBits) {
    return bitsToBytes(static_cast<std::int64_t>(clusters) * codebookBits) + bitsToBytes(entries * indexBits(clusters));
}

std::int64_t huffmanBits(std::span<const std::int64_t> counts) {
    std::priority_queue<std::int64_t, std::vector<std::int64_t>, std::greater<>> heap;
    for (const auto c : counts) {
        if (c > 0) heap.push(c);
    }
    if (heap.empty()) return 0;
    if (heap.size() == 1) return heap.top();
    // Each merge of the two rarest subtrees adds one bit to every symbol below: the total is the sum of merges.
    std::int64_t bits = 0;
    while (heap.size() > 1) {
        const auto a = heap.top();
        heap.pop();
        const auto b = heap.top();
        heap.pop();
        bits += a + b;
        heap.push(a + b);
    }
    return bits;
}

}  // namespace tinyforge::core::compress
