#include "core/export/weight_encoding.h"

#include <algorithm>
#include <map>
#include <sstream>

#include "core/compress/size_accounting.h"
#include "core/error.h"

namespace tinyforge::core::exporting {

namespace {

// Appends values of up to 8 bits, least significant bit first.
class BitWriter {
public:
    void write(std::uint32_t value, int bits) {
        for (int i = 0; i < bits; ++i, ++bit_) {
            if (bit_ % 8 == 0) bytes_.push_back(0);
            if ((value >> i) & 1u) bytes_.back() = static_cast<std::uint8_t>(bytes_.back() | (1u << (bit_ % 8)));
        }
    }
    std::vector<std::uint8_t> take() { return std::move(bytes_); }

private:
    std::vector<std::uint8_t> bytes_;
    std::int64_t bit_ = 0;
};

std::uint32_t twosComplement(std::int8_t value, int bits) { return static_cast<std::uint32_t>(value) & ((1u << bits) - 1); }

struct Plan {
    bool codebook = false;
    WeightLayout layout = WeightLayout::Dense;
    int gapBits = 0;
};

Plan parse(const std::string& encoding) {
    static const std::map<std::string, Plan> plans{
        {"dense", {false, WeightLayout::Dense, 0}},          {"bitmask", {false, WeightLayout::Bitmask, 0}},
        {"relative4", {false, WeightLayout::Relative, 4}},   {"relative5", {false, WeightLayout::Relative, 5}},
        {"codebook", {true, WeightLayout::Dense, 0}},        {"codebook+bitmask", {true, WeightLayout::Bitmask, 0}},
        {"codebook+relative4", {true, WeightLayout::Relative, 4}}, {"codebook+relative5", {true, WeightLayout::Relative, 5}},
    };
    const auto it = plans.find(encoding);
    if (it == plans.end()) throw Error("weight encoding '" + encoding + "' is not one the C runtime decodes");
    return it->second;
}

}  // namespace

const std::vector<std::string>& weightEncodings() {
    static const std::vector<std::string> names{"dense",    "codebook",         "bitmask",           "codebook+bitmask",
                                                "relative4", "relative5",       "codebook+relative4", "codebook+relative5"};
    return names;
}

EncodedWeights encodeWeights(std::span<const std::int8_t> weights, int bits, const std::string& encoding) {
    const Plan plan = parse(encoding);
    EncodedWeights out;
    out.encoding = encoding;
    out.layout = plan.layout;
    out.weightBits = bits;
    out.gapBits = plan.gapBits;
    const bool hasZeros = std::find(weights.begin(), weights.end(), 0) != weights.end();

    // Symbols: the values themselves, or indices into the sorted distinct non-zero values (after a zero symbol when
    // the layout stores zeros: dense, or relative fillers).
    std::map<std::int8_t, std::uint32_t> symbolOf;
    if (plan.codebook) {
        for (const auto w : weights) {
            if (w != 0) symbolOf.emplace(w, 0);
        }
        if (symbolOf.empty()) throw Error("weight encoding '" + encoding + "': the tensor has no non-zero value");
        out.zeroSymbol = plan.layout != WeightLayout::Bitmask && hasZeros;
        out.codebookSize = static_cast<std::int32_t>(symbolOf.size());
        BitWriter codebook;
        std::uint32_t next = out.zeroSymbol ? 1 : 0;
        for (auto& [value, symbol] : symbolOf) {
            symbol = next++;
            codebook.write(twosComplement(value, bits), bits);
        }
        out.codebook = codebook.take();
        out.symbolBits = compress::indexBits(out.codebookSize + (out.zeroSymbol ? 1 : 0));
    } else {
        out.symbolBits = bits;
    }
    const auto symbol = [&](std::int8_t w) {
        if (!plan.codebook) return twosComplement(w, bits);
        return w == 0 ? 0u : symbolOf.at(w);
    };

    BitWriter stream;
    if (plan.layout == WeightLayout::Dense) {
        for (const auto w : weights) stream.write(symbol(w), out.symbolBits);
    } else if (plan.layout == WeightLayout::Bitmask) {
        BitWriter mask;
        for (const auto w : weights) {
            mask.write(w != 0 ? 1 : 0, 1);
            if (w != 0) stream.write(symbol(w), out.symbolBits);
        }
        out.mask = mask.take();
    } else {
        const std::int64_t maxGap = (1ll << plan.gapBits) - 1;
        std::int64_t previous = -1;
        for (std::size_t i = 0; i < weights.size(); ++i) {
            if (weights[i] == 0) continue;
            std::int64_t gap = static_cast<std::int64_t>(i) - previous;
            for (; gap > maxGap; gap -= maxGap, ++out.entries) {  // a filler: zero, maxGap further on
                stream.write(static_cast<std::uint32_t>(maxGap), plan.gapBits);
                stream.write(symbol(0), out.symbolBits);
            }
            stream.write(static_cast<std::uint32_t>(gap), plan.gapBits);
            stream.write(symbol(weights[i]), out.symbolBits);
            ++out.entries;
            previous = static_cast<std::int64_t>(i);
        }
    }
    out.stream = stream.take();
    return out;
}

EncodedWeights encodeSmallest(std::span<const std::int8_t> weights, int bits) {
    const bool anyNonzero = std::any_of(weights.begin(), weights.end(), [](std::int8_t w) { return w != 0; });
    EncodedWeights best;
    bool first = true;
    for (const auto& name : weightEncodings()) {
        if (!anyNonzero && name.starts_with("codebook")) continue;
        auto candidate = encodeWeights(weights, bits, name);
        if (first || candidate.bytes() < best.bytes()) best = std::move(candidate);
        first = false;
    }
    return best;
}

std::string cDefinition(const EncodedWeights& w, const std::string& name) {
    std::ostringstream out;
    const auto array = [&](const char* part, const std::vector<std::uint8_t>& bytes) -> std::string {
        if (bytes.empty()) return "0";
        out << "static const uint8_t " << name << "_" << part << "[" << bytes.size() << "] = {";
        for (std::size_t i = 0; i < bytes.size(); ++i) {
            out << (i % 24 == 0 ? "\n    " : " ") << static_cast<int>(bytes[i]) << (i + 1 < bytes.size() ? "," : "");
        }
        out << "\n};\n";
        return name + "_" + part;
    };
    const std::string codebook = array("codebook", w.codebook), mask = array("mask", w.mask), stream = array("stream", w.stream);
    out << "static const tf_weights " << name << " = {" << static_cast<int>(w.layout) << ", " << w.weightBits << ", "
        << w.symbolBits << ", " << w.gapBits << ", " << w.codebookSize << ", " << (w.zeroSymbol ? 1 : 0) << ", " << w.entries
        << ", " << codebook << ", " << mask << ", " << stream << "}; /* " << w.encoding << ", " << w.bytes() << " bytes */\n";
    return out.str();
}

}  // namespace tinyforge::core::exporting
