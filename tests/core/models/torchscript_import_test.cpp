#include <catch2/catch.hpp>

#include <torch/torch.h>

#include "core/error.h"
#include "core/models/model.h"
#include "tests/support/fixtures.h"
#include "tests/support/process.h"

using namespace tinyforge;
using namespace tinyforge::core::models;
namespace fx = tinyforge::test;
using Catch::Matchers::Contains;

namespace {
// Traces a 4 -> 3 linear model in PyTorch (Debian's python3-torch) and prints its output for x = (1, 2, 3, 4).
const char* kTraceScript = R"(
import sys, torch
torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.ReLU(), torch.nn.Linear(5, 3))
torch.jit.trace(model, torch.zeros(1, 4)).save(sys.argv[1])
print(" ".join("%.7f" % v for v in model(torch.tensor([[1.0, 2.0, 3.0, 4.0]]))[0].tolist()))
)";
}  // namespace

TEST_CASE("A model traced in PyTorch imports and gives PyTorch's outputs", "[core][models][torchscript]") {
    fx::TempDir dir;
    fx::writeText(dir / "trace.py", kTraceScript);
    const auto result = fx::runProcess({"/usr/bin/python3", (dir / "trace.py").string(), (dir / "mlp.pt").string()});
    INFO(result.err);
    REQUIRE(result.exitCode == 0);
    std::istringstream expected(result.out);

    Model model = Model::importTorchScript(dir / "mlp.pt", {4}, 3);
    CHECK(model.arch() == "torchscript:mlp.pt");
    CHECK(model.stats().params == 4 * 5 + 5 + 5 * 3 + 3);
    CHECK_FALSE(model.stats().macsKnown);
    model.setTraining(false);
    const auto out = model.forward(torch::tensor({{1.0f, 2.0f, 3.0f, 4.0f}}));
    for (int k = 0; k < 3; ++k) {
        double value = 0;
        expected >> value;
        CHECK(out[0][k].item<double>() == Approx(value).margin(1e-5));
    }

    SECTION("its shapes are checked against the dataset") {
        CHECK_THROWS_WITH(Model::importTorchScript(dir / "mlp.pt", {1, 28, 28}, 3),
                          Contains("mlp.pt") && Contains("does not accept the dataset's samples (shape 1x28x28)"));
        CHECK_THROWS_WITH(Model::importTorchScript(dir / "mlp.pt", {4}, 10),
                          Contains("outputs 2x3 for a batch of 2, but the dataset has 10 classes"));
    }
}

TEST_CASE("Files that are not TorchScript are refused by name", "[core][models][torchscript][bad-input]") {
    fx::TempDir dir;
    fx::writeText(dir / "notes.pt", "just text");
    CHECK_THROWS_AS(Model::importTorchScript(dir / "notes.pt", {4}, 3), DataError);
    CHECK_THROWS_WITH(Model::importTorchScript(dir / "notes.pt", {4}, 3), Contains("notes.pt: not a TorchScript model"));
    CHECK_THROWS_WITH(Model::importTorchScript(dir / "none.pt", {4}, 3), Contains("not found"));
}
