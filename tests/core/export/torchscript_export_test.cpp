// TorchScript export: the file opens in PyTorch (python3-torch) and computes the studio's outputs.
#include <catch2/catch.hpp>

#include <torch/torch.h>

#include <fstream>

#include "core/error.h"
#include "core/export/torchscript_export.h"
#include "tests/support/fixtures.h"
#include "tests/support/process.h"
#include "tests/support/quantized_fixtures.h"

using namespace tinyforge::core;
namespace fx = tinyforge::test;

namespace {

// The model's outputs for `x` as PyTorch computes them from the exported file (Debian's python3 has python3-torch).
at::Tensor runInPyTorch(const std::filesystem::path& file, const at::Tensor& x, const fx::TempDir& dir) {
    const auto input = dir / "input.bin", output = dir / "output.bin";
    {
        const auto c = x.contiguous();
        std::ofstream(input, std::ios::binary).write(reinterpret_cast<const char*>(c.data_ptr<float>()), static_cast<std::streamsize>(c.numel() * 4));
    }
    std::vector<std::string> args{"/usr/bin/python3", TINYFORGE_TEST_SOURCE_DIR "/support/run_torchscript.py", file.string(), input.string()};
    for (const auto d : x.sizes()) args.push_back(std::to_string(d));
    args.push_back(output.string());
    const auto result = fx::runProcess(args);
    INFO(result.out << result.err);
    REQUIRE(result.exitCode == 0);
    const std::string bytes = fx::readText(output);
    auto out = torch::empty({x.size(0), 3});
    REQUIRE(bytes.size() == static_cast<std::size_t>(out.numel() * 4));
    std::memcpy(out.data_ptr<float>(), bytes.data(), bytes.size());
    return out;
}

}  // namespace

TEST_CASE("TorchScript export opens in PyTorch and gives the studio's outputs, float and fake-quantized", "[core][export][python]") {
    const auto images = fx::randomImages(16);
    for (const std::string arch : {"mlp", "cnn-small", "resnet8", "mobilenet-v1", "lenet5-avg"}) {
        for (const bool quantized : {false, true}) {
            INFO(arch << (quantized ? ", quantized" : ", float"));
            fx::TempDir dir;
            auto model = arch == "lenet5-avg" ? fx::buildModel("lenet5", {1, 16, 16}, {{"pool", "avg"}}) : fx::buildModel(arch, {1, 16, 16});
            std::vector<compress::QuantParams> points;
            if (quantized) points = fx::quantizeForTest(model, images, 8);
            model.setTraining(false);
            const auto x = torch::randn({5, 1, 16, 16});
            at::Tensor expected;
            {
                torch::NoGradGuard noGrad;
                expected = model.forward(x);
            }
            exporting::exportTorchScript(model, quantized ? &points : nullptr, dir / "model.pt");
            const auto got = runInPyTorch(dir / "model.pt", x, dir);
            CHECK(torch::allclose(got, expected, 1e-4, 1e-4));
        }
    }
}

TEST_CASE("TorchScript export refuses activation parameters that do not fit the model", "[core][export]") {
    const auto images = fx::randomImages(8);
    auto model = fx::buildModel("cnn-small", {1, 16, 16});
    auto points = fx::quantizeForTest(model, images, 8);
    points.pop_back();
    fx::TempDir dir;
    CHECK_THROWS_WITH(exporting::exportTorchScript(model, &points, dir / "m.pt"), Catch::Contains("too few points"));
    CHECK_FALSE(std::filesystem::exists(dir / "m.pt"));
}
