#include <catch2/catch.hpp>

#include <torch/torch.h>

#include "core/train/distillation_loss.h"

using namespace tinyforge::core::train;

TEST_CASE("Softened softmax matches hand-computed values", "[core][train][distill]") {
    // z = (1, 2, 3), T = 2: exp(0.5), exp(1), exp(1.5) = 1.648721, 2.718282, 4.481689; sum 8.848692.
    const auto p = softenedSoftmax(torch::tensor({{1.0f, 2.0f, 3.0f}}), 2.0);
    CHECK(p[0][0].item<float>() == Approx(0.186324));
    CHECK(p[0][1].item<float>() == Approx(0.307196));
    CHECK(p[0][2].item<float>() == Approx(0.506480));
    // T = 1 is the ordinary softmax; a large T flattens towards uniform.
    CHECK(softenedSoftmax(torch::tensor({{0.0f, std::log(3.0f)}}), 1.0)[0][1].item<float>() == Approx(0.75));
    CHECK(softenedSoftmax(torch::tensor({{1.0f, 2.0f, 3.0f}}), 1000.0)[0][0].item<float>() == Approx(1.0 / 3).epsilon(0.01));
}

// Teacher logits (2 ln 3, 0) at T = 2 give p_t = (3/4, 1/4); student logits (0, 0) give p_s = (1/2, 1/2); label 0.
// KL(p_t || p_s) = 3/4 ln(3/2) + 1/4 ln(1/2) = 0.130812; CE(label, softmax(0, 0)) = ln 2 = 0.693147.
TEST_CASE("Hinton's loss: alpha * T^2 * KL + (1 - alpha) * CE, by hand", "[core][train][distill]") {
    const auto student = torch::zeros({1, 2});
    const auto teacher = torch::tensor({{2.0f * std::log(3.0f), 0.0f}});
    const auto labels = torch::tensor({0L});
    DistillSettings s;
    s.temperature = 2.0;
    s.alpha = 0.6;
    s.loss = "kl";
    const auto loss = distillationLoss(student, teacher, labels, s);
    CHECK(loss.soft.item<double>() == Approx(0.6 * 4 * 0.130812).epsilon(1e-4));   // 0.313949
    CHECK(loss.hard.item<double>() == Approx(0.4 * 0.693147).epsilon(1e-5));       // 0.277259
    CHECK(loss.total.item<double>() == Approx(0.591208).epsilon(1e-4));
}

TEST_CASE("The unweighted variant: H(teacher_T, student_T) + H(labels, student_1), no T^2", "[core][train][distill]") {
    const auto student = torch::zeros({1, 2});
    const auto teacher = torch::tensor({{2.0f * std::log(3.0f), 0.0f}});
    DistillSettings s;
    s.temperature = 2.0;
    s.alpha = 0.6;  // ignored by "sum"
    s.loss = "sum";
    const auto loss = distillationLoss(student, teacher, torch::tensor({0L}), s);
    // H(p_t, p_s) = -(3/4 ln 1/2 + 1/4 ln 1/2) = ln 2.
    CHECK(loss.soft.item<double>() == Approx(0.693147).epsilon(1e-5));
    CHECK(loss.hard.item<double>() == Approx(0.693147).epsilon(1e-5));
    CHECK(loss.total.item<double>() == Approx(1.386294).epsilon(1e-5));
}

TEST_CASE("The KL term vanishes when the student matches the teacher, and the loss averages the batch", "[core][train][distill]") {
    const auto logits = torch::tensor({{1.0f, -2.0f, 0.5f}, {0.0f, 3.0f, 1.0f}});
    DistillSettings s;
    s.temperature = 3.0;
    s.alpha = 1.0;
    const auto same = distillationLoss(logits, logits, torch::tensor({0L, 1L}), s);
    CHECK(std::abs(same.total.item<double>()) < 1e-6);
    s.alpha = 0.0;
    const auto hardOnly = distillationLoss(logits, logits, torch::tensor({0L, 1L}), s);
    CHECK(hardOnly.total.item<double>() == Approx(torch::cross_entropy_loss(logits, torch::tensor({0L, 1L})).item<double>()));
}
