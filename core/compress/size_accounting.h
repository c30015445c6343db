#pragma once
// The bytes a weight tensor takes on the device under each encoding the export can decode on the fly.

#include <cstdint>
#include <span>
#include <vector>

namespace tinyforge::core::compress {

/// ceil(count * bits / 8): a dense tensor of `bits`-bit values.
std::int64_t denseBytes(std::int64_t count, int bits);

/// A bitmask of one bit per weight, then the non-zero values: ceil(count / 8) + ceil(nonzeros * valueBits / 8).
std::int64_t bitmaskSparseBytes(std::int64_t count, std::int64_t nonzeros, int valueBits);

/// Entries of Deep Compression's relative-index encoding: each non-zero stores its distance from the previous
/// one in `indexBits`; a gap larger than 2^indexBits - 1 is bridged by filler entries holding zero.
std::int64_t relativeIndexEntries(std::span<const std::uint8_t> nonzeroMask, int indexBits);

/// ceil(entries * (indexBits + valueBits) / 8) for the mask's relative-index encoding.
std::int64_t relativeIndexSparseBytes(std::span<const std::uint8_t> nonzeroMask, int indexBits, int valueBits);

/// A codebook of `clusters` values of `codebookBits` each, then one ceil(log2 clusters)-bit index per stored entry.
std::int64_t clusteredBytes(std::int64_t entries, int clusters, int codebookBits = 32);

/// Bits of an optimal prefix (Huffman) code for symbols occurring `counts` times (zero counts ignored); a single
/// symbol still costs one bit per occurrence.
std::int64_t huffmanBits(std::span<const std::int64_t> counts);

/// Bits needed to index `clusters` values: ceil(log2 clusters), at least 1.
int indexBits(int clusters);

}  // namespace tinyforge::core::compress
