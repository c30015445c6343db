#pragma once
// A layer's integer weights in the encodings the C runtime decodes on the fly (tf_kernels.h: tf_weights): dense
// n-bit, bitmask-sparse and Deep Compression's relative indices, each with the raw values or with a codebook of the
// distinct values and packed indices. The byte counts equal the compression stage's deployed-size accounting
// (core/compress/size_accounting.h), so its flash figures are what the exported C really takes.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace tinyforge::core::exporting {

enum class WeightLayout { Dense = 0, Bitmask = 1, Relative = 2 };  // the values of TF_WEIGHTS_DENSE, ...

struct EncodedWeights {
    std::string encoding;        ///< "dense", "bitmask", "relative4", "codebook+bitmask", ... as deployed_size names them
    WeightLayout layout = WeightLayout::Dense;
    int weightBits = 8;          ///< bits of one raw value or codebook entry
    int symbolBits = 8;          ///< bits of one stored symbol: the value itself, or a codebook index
    int gapBits = 0;             ///< relative layouts: 4 or 5
    bool zeroSymbol = false;     ///< with a codebook: symbol 0 stands for zero
    std::int32_t codebookSize = 0;
    std::int64_t entries = 0;    ///< relative layouts: entries in the stream
    std::vector<std::uint8_t> codebook, mask, stream;  ///< bit-packed, least significant bit first

    std::int64_t bytes() const { return static_cast<std::int64_t>(codebook.size() + mask.size() + stream.size()); }
};

/// The encoding names encodeWeights accepts, smallest-decoding-cost first.
const std::vector<std::string>& weightEncodings();

/// `weights` (integers of `bits` bits, two's complement) in `encoding`. Throws Error for an unknown encoding, and for a
/// codebook encoding of a tensor with no non-zero value.
EncodedWeights encodeWeights(std::span<const std::int8_t> weights, int bits, const std::string& encoding);

/// The encoding with the fewest bytes; on a tie the one earlier in weightEncodings() (cheaper to decode).
EncodedWeights encodeSmallest(std::span<const std::int8_t> weights, int bits);

/// C99 definitions of the encoded weights as `static const tf_weights <name>` with its arrays (<name>_codebook,
/// <name>_mask, <name>_stream; a missing array is a null pointer).
std::string cDefinition(const EncodedWeights& weights, const std::string& name);

/// Bytes of one tf_weights descriptor on a 32-bit target: seven int32 fields and three pointers.
constexpr std::int64_t kWeightsDescriptorBytes = 7 * 4 + 3 * 4;

}  // namespace tinyforge::core::exporting
