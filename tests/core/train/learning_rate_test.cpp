#include <catch2/catch.hpp>

#include "core/train/train_settings.h"

using namespace tinyforge::core::train;

TEST_CASE("Learning-rate schedules: cosine, step and constant", "[core][train]") {
    TrainSettings s;
    s.learningRate = 0.1;
    s.epochs = 10;
    s.schedule = "cosine";
    CHECK(learningRateAt(s, 0) == Approx(0.1));
    CHECK(learningRateAt(s, 5) == Approx(0.05));
    CHECK(learningRateAt(s, 10) == Approx(0.0).margin(1e-12));
    s.schedule = "step";
    s.stepEpochs = 3;
    s.stepGamma = 0.5;
    CHECK(learningRateAt(s, 2) == Approx(0.1));
    CHECK(learningRateAt(s, 3) == Approx(0.05));
    CHECK(learningRateAt(s, 7) == Approx(0.025));
    s.schedule = "constant";
    CHECK(learningRateAt(s, 9) == Approx(0.1));
}
