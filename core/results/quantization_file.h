#pragma once
// compressed.json, typed: the compressed model's quantization (bit widths and each activation point's affine
// parameters), written by the compression stage and read by export and deploy through these structs.

#include <string>
#include <vector>

#include "core/contract/json_contract.h"

namespace tinyforge::core::results {

struct ActivationPoint {
    double min = 0, max = 0, scale = 0;
    int zero_point = 0;
    static constexpr std::string_view kName = "ActivationPoint", kDoc = "One activation point's calibrated range and affine parameters";
    static auto fields() {
        using S = ActivationPoint;
        using contract::field;
        return std::tuple{field("min", &S::min, "smallest value calibrated"), field("max", &S::max, "largest value calibrated"),
                          field("scale", &S::scale, "x = scale (q - zero_point)"), field("zero_point", &S::zero_point, "the integer that stands for 0")};
    }
};

struct QuantizationFile {
    int weight_bits = 8, activation_bits = 8;
    std::string weights, activations, rounding;  ///< how each is quantized, in words
    std::vector<ActivationPoint> activation_points;
    static constexpr std::string_view kName = "QuantizationFile", kDoc = "compressed.json: the compressed model's quantization";
    static auto fields() {
        using S = QuantizationFile;
        using contract::field;
        return std::tuple{field("weight_bits", &S::weight_bits, "weight width", "bits"),
                          field("activation_bits", &S::activation_bits, "activation width", "bits"),
                          field("weights", &S::weights, "how weights are quantized"), field("activations", &S::activations, "how activations are quantized"),
                          field("rounding", &S::rounding, "the rounding rule"),
                          field("activation_points", &S::activation_points, "each activation point, input first")};
    }
};

}  // namespace tinyforge::core::results
