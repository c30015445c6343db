// The weight encodings of the C export: bit layouts worked out by hand, byte counts equal to the deployed-size
// accounting, and the C runtime's decoder (compiled here with the host compiler) giving back every weight.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <random>
#include <set>
#include <sstream>

#include "core/compress/size_accounting.h"
#include "core/error.h"
#include "core/export/c_export.h"
#include "core/export/weight_encoding.h"
#include "core/compress/quantization_math.h"
#include "tests/support/c_checks.h"
#include "tests/support/fixtures.h"
#include "tests/support/process.h"

using namespace tinyforge::core;
using exporting::encodeWeights;
using Bytes = std::vector<std::uint8_t>;
namespace fx = tinyforge::test;

namespace {

// rows x length weights of `bits` bits: `sparsity` of them zero, the rest drawn from `levels` distinct values (or
// from the whole range when levels is 0).
std::vector<std::int8_t> randomWeights(std::int64_t count, int bits, double sparsity, int levels, unsigned seed) {
    std::mt19937 rng(seed);
    const int qmax = (1 << (bits - 1)) - 1;
    std::vector<std::int8_t> codebook;
    std::uniform_int_distribution<int> value(-qmax, qmax);
    for (int i = 0; i < levels; ++i) {
        int v = 0;
        while (v == 0) v = value(rng);
        codebook.push_back(static_cast<std::int8_t>(v));
    }
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::vector<std::int8_t> w(static_cast<std::size_t>(count));
    for (auto& x : w) {
        if (unit(rng) < sparsity) continue;
        x = levels > 0 ? codebook[static_cast<std::size_t>(rng() % codebook.size())] : static_cast<std::int8_t>(value(rng));
    }
    return w;
}

}  // namespace

TEST_CASE("Weight encodings lay out their bits as worked out by hand", "[core][export]") {
    const std::vector<std::int8_t> w{0, 3, 0, -1, 3, 0};  // 4-bit weights; -1 is 1111 in two's complement
    // Dense: 0,3 | 0,15 | 3,0, low nibble first.
    CHECK(encodeWeights(w, 4, "dense").stream == Bytes{0x30, 0xF0, 0x03});
    // Bitmask: weights 1, 3 and 4 are set (0b011010); their values 3, 15, 3.
    const auto bitmask = encodeWeights(w, 4, "bitmask");
    CHECK(bitmask.mask == Bytes{0x1A});
    CHECK(bitmask.stream == Bytes{0xF3, 0x03});
    // Relative indices: positions 1, 3, 4 are gaps 2, 2, 1 from the previous (the first from just before 0).
    const auto relative = encodeWeights(w, 4, "relative4");
    CHECK(relative.stream == Bytes{0x32, 0xF2, 0x31});
    CHECK(relative.entries == 3);
    // Codebook: values -1, 3 after the zero symbol, so symbols 0 (zero), 1 (-1), 2 (3) of 2 bits: 0,2,0,1 | 2,0.
    const auto codebook = encodeWeights(w, 4, "codebook");
    CHECK(codebook.codebook == Bytes{0x3F});
    CHECK(codebook.zeroSymbol);
    CHECK(codebook.symbolBits == 2);
    CHECK(codebook.stream == Bytes{0x48, 0x02});
    // Codebook with a bitmask: zeros are in the mask, so no zero symbol: -1 is 0 and 3 is 1, one bit each.
    const auto maskedCodebook = encodeWeights(w, 4, "codebook+bitmask");
    CHECK_FALSE(maskedCodebook.zeroSymbol);
    CHECK(maskedCodebook.symbolBits == 1);
    CHECK(maskedCodebook.mask == Bytes{0x1A});
    CHECK(maskedCodebook.stream == Bytes{0x05});
}

TEST_CASE("A gap longer than the index bits is bridged by a filler entry holding zero", "[core][export]") {
    std::vector<std::int8_t> w(20, 0);
    w[18] = 1;
    const auto relative = encodeWeights(w, 4, "relative4");
    // 19 from the start: a filler 15 on (value 0), then 4 more to the weight.
    CHECK(relative.stream == Bytes{0x0F, 0x14});
    CHECK(relative.entries == 2);
    const auto wide = encodeWeights(w, 4, "relative5");
    CHECK(wide.entries == 1);  // 19 fits in 5 bits
}

TEST_CASE("Encoded weight bytes equal the deployed-size accounting, and the smallest is chosen", "[core][export]") {
    for (const int bits : {8, 4, 2}) {
        const auto w = randomWeights(3000, bits, 0.9, bits == 2 ? 2 : 16, 7);
        std::vector<std::uint8_t> mask;
        std::int64_t nonzeros = 0;
        for (const auto v : w) {
            mask.push_back(v != 0);
            nonzeros += v != 0;
        }
        std::set<std::int8_t> distinctSet(w.begin(), w.end());
        distinctSet.erase(0);
        const int distinct = static_cast<int>(distinctSet.size());
        const std::int64_t n = static_cast<std::int64_t>(w.size());
        const auto codebookBytes = compress::denseBytes(distinct, bits);
        const int withZero = compress::indexBits(distinct + 1);
        INFO(bits << "-bit weights");
        CHECK(encodeWeights(w, bits, "dense").bytes() == compress::denseBytes(n, bits));
        CHECK(encodeWeights(w, bits, "bitmask").bytes() == compress::bitmaskSparseBytes(n, nonzeros, bits));
        CHECK(encodeWeights(w, bits, "relative4").bytes() == compress::relativeIndexSparseBytes(mask, 4, bits));
        CHECK(encodeWeights(w, bits, "relative5").bytes() == compress::relativeIndexSparseBytes(mask, 5, bits));
        CHECK(encodeWeights(w, bits, "codebook").bytes() == codebookBytes + compress::denseBytes(n, withZero));
        CHECK(encodeWeights(w, bits, "codebook+bitmask").bytes() ==
              codebookBytes + compress::denseBytes(n, 1) + compress::denseBytes(nonzeros, compress::indexBits(distinct)));
        CHECK(encodeWeights(w, bits, "codebook+relative4").bytes() == codebookBytes + compress::relativeIndexSparseBytes(mask, 4, withZero));
        std::int64_t smallest = INT64_MAX;
        for (const auto& name : exporting::weightEncodings()) smallest = std::min(smallest, encodeWeights(w, bits, name).bytes());
        const auto best = exporting::encodeSmallest(w, bits);
        CHECK(best.bytes() == smallest);
        CHECK(best.encoding != "dense");  // 90% zeros: a sparse layout wins
    }
    // Dense random 8-bit weights stay dense: nothing is smaller, and dense decodes fastest on a tie.
    CHECK(exporting::encodeSmallest(randomWeights(500, 8, 0.0, 0, 3), 8).encoding == "dense");
}

TEST_CASE("Weight encodings reject unknown names and a codebook of nothing", "[core][export]") {
    const std::vector<std::int8_t> zeros(10, 0);
    CHECK_THROWS_AS(encodeWeights(zeros, 8, "huffman"), tinyforge::Error);
    CHECK_THROWS_AS(encodeWeights(zeros, 8, "codebook"), tinyforge::Error);
    CHECK(exporting::encodeSmallest(zeros, 8).bytes() <= 2);  // an all-zero layer: a bitmask and no values
}

TEST_CASE("The C runtime decodes every encoding back to the weights, row by row, again from a saved cursor, and as its non-zero weights alone", "[core][export]") {
    // One C program per case: the encoded weights, the expected rows, and a main that decodes and compares.
    fx::TempDir dir;
    std::ostringstream program;
    program << "#include <stdio.h>\n#include \"tf_kernels.h\"\n";
    std::ostringstream checks;
    int cases = 0;
    const std::int64_t rows = 7, length = 45;
    for (const int bits : {8, 5, 3}) {
        for (const double sparsity : {0.0, 0.6, 0.95}) {
            const auto w = randomWeights(rows * length, bits, sparsity, 6, static_cast<unsigned>(bits * 100 + sparsity * 10));
            for (const auto& name : exporting::weightEncodings()) {
                const std::string id = "w" + std::to_string(cases);
                program << exporting::cDefinition(encodeWeights(w, bits, name), id);
                program << "static const int8_t " << id << "_expected[] = {";
                for (const auto v : w) program << static_cast<int>(v) << ",";
                program << "};\n";
                checks << "    failures += check(&" << id << ", " << id << "_expected, \"" << name << " " << bits << "-bit\");\n";
                ++cases;
            }
        }
    }
    program << "static int check(const tf_weights *w, const int8_t *expected, const char *what) {\n"
            << "    tf_weight_reader r; tf_weight_cursor third = {0}; int8_t buffer[" << length << "]; int row, k, bad = 0;\n"
            << "    tf_weights_begin(&r, w);\n"
            << "    for (row = 0; row < " << rows << "; ++row) {\n"
            << "        const int8_t *got;\n"
            << "        if (row == 3) third = r.at;\n"
            << "        got = tf_weights_row(&r, " << length << ", buffer);\n"
            << "        for (k = 0; k < " << length << "; ++k) bad += got[k] != expected[row * " << length << " + k];\n"
            << "    }\n"
            << "    r.at = third; /* decode rows 3.. again, as a convolution does for its next block of pixels */\n"
            << "    for (row = 3; row < " << rows << "; ++row) {\n"
            << "        const int8_t *got = tf_weights_row(&r, " << length << ", buffer);\n"
            << "        for (k = 0; k < " << length << "; ++k) bad += got[k] != expected[row * " << length << " + k];\n"
            << "    }\n"
            << "    tf_weights_begin(&r, w); /* only the non-zero weights, as the sparse kernels read them */\n"
            << "    for (row = 0; row < " << rows << "; ++row) {\n"
            << "        uint32_t entries[" << length << "]; int n = tf_weights_row_nonzeros(&r, " << length << ", entries), m = 0;\n"
            << "        for (k = 0; k < " << length << "; ++k) {\n"
            << "            const int8_t want = expected[row * " << length << " + k];\n"
            << "            if (want == 0) continue;\n"
            << "            bad += m >= n || (int)(entries[m] >> 8) != k || (int8_t)(entries[m] & 0xFF) != want;\n"
            << "            ++m;\n"
            << "        }\n"
            << "        bad += m != n;\n"
            << "    }\n"
            << "    if (bad) printf(\"%s: %d wrong weights\\n\", what, bad);\n"
            << "    return bad != 0;\n}\n"
            << "int main(void) {\n    int failures = 0;\n" << checks.str()
            << "    printf(\"cases " << cases << " failures %d\\n\", failures);\n    return failures != 0;\n}\n";
    const auto run = fx::compileAndRunWithKernels(dir.path(), program.str());
    INFO(run.out << run.err);
    CHECK(run.out == "cases " + std::to_string(cases) + " failures 0\n");
    CHECK(run.exitCode == 0);
}

TEST_CASE("The C runtime's requantization equals the integer reference's, edge cases included", "[core][export]") {
    // Random accumulators and multipliers of every shift, plus the saturating corners, through tf_requantize and
    // through compress::multiplyByQuantizedMultiplier.
    std::mt19937 rng(11);
    std::vector<std::array<std::int32_t, 3>> cases{{INT32_MIN, INT32_MIN, 0}, {INT32_MAX, INT32_MAX, 0}, {INT32_MIN, 1 << 30, 3},
                                                   {INT32_MAX, 1 << 30, 5}, {-5, 1 << 30, -1}, {5, 1 << 30, -1}, {-1, INT32_MAX, -31}};
    for (int i = 0; i < 2000; ++i) {
        const auto x = static_cast<std::int32_t>(rng()) >> (rng() % 31);
        const auto multiplier = static_cast<std::int32_t>(0x40000000u + (rng() & 0x3FFFFFFFu));
        cases.push_back({x, multiplier, static_cast<std::int32_t>(rng() % 40) - 31});
    }
    std::ostringstream program;
    program << "#include <stdio.h>\n#include \"tf_kernels.h\"\nstatic const int32_t cases[][4] = {\n";
    for (const auto& [x, m, shift] : cases) {
        const auto want = compress::multiplyByQuantizedMultiplier(x, {m, shift});
        program << "    {" << x << ", " << m << ", " << shift << ", " << want << "},\n";
    }
    program << "};\nint main(void) {\n    unsigned i, wrong = 0;\n"
            << "    for (i = 0; i < sizeof cases / sizeof cases[0]; ++i) {\n"
            << "        if (tf_requantize(cases[i][0], cases[i][1], cases[i][2]) != cases[i][3]) {\n"
            << "            if (++wrong < 4) printf(\"%ld %ld %ld\\n\", (long)cases[i][0], (long)cases[i][1], (long)cases[i][2]);\n"
            << "        }\n    }\n    printf(\"wrong %u\\n\", wrong);\n    return wrong != 0;\n}\n";
    fx::TempDir dir;
    const auto run = fx::compileAndRunWithKernels(dir.path(), program.str());
    INFO(run.out << run.err);
    CHECK(run.out == "wrong 0\n");
}

TEST_CASE("Kernel order: the exporter permutes filter rows exactly as the C runtime reads them", "[core][export]") {
    // For every row length up to 600 and kernel widths 0 (dense layers), 1, 3 (the row-pair layout) and 5: the C++
    // permutation is one (each tap once) and equals tf_kernel_order_tap position by position.
    std::ostringstream program;
    program << "#include <stdio.h>\n#include \"tf_kernels.h\"\nint main(void) {\n    long wrong = 0, checked = 0;\n";
    std::ostringstream table;
    std::int64_t entries = 0;
    for (const std::int64_t kernelW : {0, 1, 3, 5}) {
        for (std::int64_t length = 1; length <= 600; ++length) {
            if (kernelW > 1 && length % kernelW != 0) continue;
            std::vector<int> seen(static_cast<std::size_t>(length), 0);
            for (std::int64_t i = 0; i < length; ++i) {
                const auto tap = exporting::kernelOrderTap(length, kernelW, i);
                REQUIRE(tap >= 0);
                REQUIRE(tap < length);
                ++seen[static_cast<std::size_t>(tap)];
                if (length % 7 == 0 || length < 40) {  // a sample of lengths for the C side
                    table << "{" << length << "," << kernelW << "," << i << "," << tap << "},";
                    ++entries;
                }
            }
            CHECK(std::all_of(seen.begin(), seen.end(), [](int n) { return n == 1; }));
        }
    }
    program << "    static const int cases[][4] = {" << table.str() << "};\n"
            << "    for (unsigned k = 0; k < sizeof cases / sizeof cases[0]; ++k, ++checked)\n"
            << "        wrong += tf_kernel_order_tap(cases[k][0], cases[k][1], cases[k][2]) != cases[k][3];\n"
            << "    printf(\"checked %ld wrong %ld\\n\", checked, wrong);\n    return wrong != 0;\n}\n";
    fx::TempDir dir;
    const auto run = fx::compileAndRunWithKernels(dir.path(), program.str());
    INFO(run.out << run.err);
    CHECK(run.out == "checked " + std::to_string(entries) + " wrong 0\n");
    // The 3-wide layout pairs rows: two rows r, s of taps 0 1 2 are stored as r0 s0 r2 s2 r1 ... (slots r0 r2 s0 s2 r1
    // s1 with the middle of each group of four swapped).
    CHECK(exporting::kernelOrderTap(6, 3, 0) == 0);
    CHECK(exporting::kernelOrderTap(6, 3, 1) == 3);
    CHECK(exporting::kernelOrderTap(6, 3, 2) == 2);
    CHECK(exporting::kernelOrderTap(6, 3, 3) == 5);
    CHECK(exporting::kernelOrderTap(6, 3, 4) == 1);
    CHECK(exporting::kernelOrderTap(6, 3, 5) == 4);
}
