// ONNX export: the files pass python3-onnx's checker, and the float graph runs in OpenCV's DNN module with
// LibTorch's outputs.
#include <catch2/catch.hpp>

#include <map>

#include <torch/torch.h>

#include <opencv2/dnn.hpp>

#include "core/error.h"
#include "core/export/onnx_export.h"
#include "tests/support/fixtures.h"
#include "tests/support/process.h"
#include "tests/support/quantized_fixtures.h"

using namespace tinyforge::core;
namespace fx = tinyforge::test;

namespace {

void checkWithOnnx(const std::filesystem::path& file) {
    const auto result = fx::runProcess({"/usr/bin/python3", "-c",
                                        "import sys, onnx; m = onnx.load(sys.argv[1]); onnx.checker.check_model(m, full_check=True); "
                                        "print('opset', m.opset_import[0].version)",
                                        file.string()});
    INFO(result.out << result.err);
    CHECK(result.exitCode == 0);
    CHECK_THAT(result.out, Catch::Contains("opset 13"));
}

at::Tensor runInOpenCv(const std::filesystem::path& file, const at::Tensor& x) {
    cv::dnn::Net net = cv::dnn::readNetFromONNX(file.string());
    const auto c = x.contiguous();
    std::vector<int> shape(c.sizes().begin(), c.sizes().end());
    cv::Mat blob(static_cast<int>(shape.size()), shape.data(), CV_32F, c.data_ptr<float>());
    net.setInput(blob, "input");
    cv::Mat out = net.forward().clone();
    return torch::from_blob(out.ptr<float>(), {out.size[0], out.size[1]}, torch::kFloat).clone();
}

}  // namespace

TEST_CASE("ONNX float graphs pass the checker and run in OpenCV with LibTorch's outputs", "[core][export][onnx]") {
    const std::map<std::string, nlohmann::json> options{{"ds-cnn", {{"channels", 16}, {"blocks", 2}}}, {"cnn-small", {{"pool", "avg"}}}};
    for (const std::string arch : {"mlp", "lenet5", "cnn-small", "resnet8", "ds-cnn", "mobilenet-v1"}) {
        INFO(arch);
        fx::TempDir dir;
        auto model = fx::buildModel(arch, {1, 16, 16}, options.contains(arch) ? options.at(arch) : nlohmann::json::object());
        {
            torch::NoGradGuard noGrad;  // BatchNorm statistics that are not the identity
            model.setTraining(true);
            for (int i = 0; i < 3; ++i) model.forward(torch::randn({8, 1, 16, 16}) * 2 + 0.5);
        }
        model.setTraining(false);
        const auto x = torch::randn({4, 1, 16, 16});
        at::Tensor expected;
        {
            torch::NoGradGuard noGrad;
            expected = model.forward(x);
        }
        exporting::exportOnnx(model, nullptr, 8, dir / "model.onnx");
        checkWithOnnx(dir / "model.onnx");
        // OpenCV 4.6's importer takes Clip only in its pre-opset-11 form (bounds as attributes), so MobileNet's
        // ReLU6 cannot run there; the checker above still validates it.
        if (arch == "mobilenet-v1") continue;
        CHECK(torch::allclose(runInOpenCv(dir / "model.onnx", x), expected, 1e-3, 1e-4));
    }
}

TEST_CASE("ONNX int8 graphs in QDQ form pass the checker", "[core][export][onnx]") {
    const auto images = fx::randomImages(16);
    for (const std::string arch : {"mlp", "cnn-small", "resnet8", "mobilenet-v1"}) {
        INFO(arch);
        fx::TempDir dir;
        auto model = fx::buildModel(arch, {1, 16, 16});
        const auto points = fx::quantizeForTest(model, images, 8);
        exporting::exportOnnx(model, &points, 8, dir / "model.onnx");
        checkWithOnnx(dir / "model.onnx");
        const std::string bytes = fx::readText(dir / "model.onnx");
        CHECK(bytes.find("QuantizeLinear") != std::string::npos);
        CHECK(bytes.find("DequantizeLinear") != std::string::npos);
    }
    auto model = fx::buildModel("cnn-small", {1, 16, 16});
    auto points = fx::quantizeForTest(model, images, 8);
    points.pop_back();
    fx::TempDir dir;
    CHECK_THROWS_AS(exporting::exportOnnx(model, &points, 8, dir / "bad.onnx"), tinyforge::Error);
}
