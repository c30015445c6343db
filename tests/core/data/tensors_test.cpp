#include <catch2/catch.hpp>

#include <ATen/ATen.h>

#include "core/data/tensors.h"

using namespace tinyforge::core::data;

TEST_CASE("Sample tensors are normalised with the training statistics", "[core][data][tensors]") {
    Dataset images;
    images.samples.kind = SampleKind::Image;
    images.samples.sampleShape = {1, 1, 2};
    images.samples.pixels = {0, 255, 51, 102};
    images.samples.labels = {1, 0};
    images.samples.classNames = {"a", "b"};
    images.normalization = {{0.2f}, {0.5f}};
    const at::Tensor x = samplesTensor(images, {1, 0});
    CHECK(x.sizes() == at::IntArrayRef({2, 1, 1, 2}));
    // (51/255 - 0.2) / 0.5 = 0; (102/255 - 0.2) / 0.5 = 0.4; (0 - 0.2) / 0.5 = -0.4; (1 - 0.2) / 0.5 = 1.6
    CHECK(x[0][0][0][0].item<float>() == Approx(0.0f).margin(1e-6));
    CHECK(x[0][0][0][1].item<float>() == Approx(0.4f));
    CHECK(x[1][0][0][0].item<float>() == Approx(-0.4f));
    CHECK(x[1][0][0][1].item<float>() == Approx(1.6f));
    const at::Tensor y = labelsTensor(images, {1, 0});
    CHECK(y.scalar_type() == at::kLong);
    CHECK(y[0].item<std::int64_t>() == 0);
    CHECK(y[1].item<std::int64_t>() == 1);

    Dataset table;
    table.samples.kind = SampleKind::Table;
    table.samples.sampleShape = {2};
    table.samples.values = {1, 2, 3, 4};
    table.samples.labels = {0, 1};
    table.normalization = {{2, 3}, {1, 0.5f}};
    const at::Tensor t = samplesTensor(table, {1});
    CHECK(t.sizes() == at::IntArrayRef({1, 2}));
    CHECK(t[0][0].item<float>() == Approx(1.0f));
    CHECK(t[0][1].item<float>() == Approx(2.0f));
}
