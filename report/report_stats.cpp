#include "report/report_stats.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <iterator>
#include <stdexcept>

#include "core/results/aggregate.h"

namespace tinyforge::report {

namespace {
constexpr double kZ95 = 1.959963984540054;
}

Interval wilsonInterval(std::int64_t correct, std::int64_t samples) {
    if (samples <= 0) return {0, 1};
    const double n = static_cast<double>(samples), p = static_cast<double>(correct) / n, z2 = kZ95 * kZ95;
    const double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
    const double half = kZ95 * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
    return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

PairedDifference pairedDifference(std::int64_t firstOnly, std::int64_t secondOnly, std::int64_t samples) {
    if (samples <= 0 || firstOnly < 0 || secondOnly < 0 || firstOnly + secondOnly > samples)
        throw std::invalid_argument("paired difference: discordant counts must be >= 0 and at most the samples");
    const double n = static_cast<double>(samples), b = static_cast<double>(firstOnly), c = static_cast<double>(secondOnly);
    PairedDifference out;
    out.difference = (b - c) / n;
    const double se = std::sqrt(std::max(0.0, b + c - (b - c) * (b - c) / n)) / n;
    out.ci95 = {out.difference - kZ95 * se, out.difference + kZ95 * se};
    out.pValue = core::results::mcnemarExactP(firstOnly, secondOnly);
    return out;
}

std::vector<std::optional<std::size_t>> paretoDominators(const std::vector<ParetoPoint>& points) {
    const auto dominates = [](const ParetoPoint& a, const ParetoPoint& b) {
        return a.benefit >= b.benefit && a.cost <= b.cost && (a.benefit > b.benefit || a.cost < b.cost);
    };
    std::vector<std::optional<std::size_t>> out(points.size());
    for (std::size_t i = 0; i < points.size(); ++i) {
        for (std::size_t j = 0; j < points.size(); ++j) {
            if (!dominates(points[j], points[i])) continue;
            const auto& best = out[i];
            const bool better = !best || points[j].benefit > points[*best].benefit ||
                                (points[j].benefit == points[*best].benefit && points[j].cost < points[*best].cost);
            if (better) out[i] = j;
        }
    }
    return out;
}

std::vector<std::vector<std::int64_t>> confusionMatrix(const std::vector<std::int64_t>& truth, const std::vector<std::int64_t>& predicted,
                                                       int classes) {
    if (truth.size() != predicted.size()) throw std::invalid_argument("confusion matrix: the lists differ in length");
    std::vector<std::vector<std::int64_t>> counts(static_cast<std::size_t>(std::max(classes, 0)), std::vector<std::int64_t>(static_cast<std::size_t>(std::max(classes, 0))));
    for (std::size_t i = 0; i < truth.size(); ++i) {
        if (truth[i] < 0 || truth[i] >= classes || predicted[i] < 0 || predicted[i] >= classes)
            throw std::invalid_argument("confusion matrix: class " + std::to_string(std::max(truth[i], predicted[i])) + " outside 0.." + std::to_string(classes - 1));
        ++counts[static_cast<std::size_t>(truth[i])][static_cast<std::size_t>(predicted[i])];
    }
    return counts;
}

std::vector<ClassFigures> classFigures(const std::vector<std::vector<std::int64_t>>& counts) {
    const std::size_t k = counts.size();
    std::vector<ClassFigures> out(k);
    for (std::size_t c = 0; c < k; ++c) {
        std::int64_t predictedAs = 0, present = 0;
        for (std::size_t o = 0; o < k; ++o) {
            predictedAs += counts[o][c];
            present += counts[c][o];
        }
        const double hit = static_cast<double>(counts[c][c]);
        auto& f = out[c];
        f.support = present;
        f.precision = predictedAs > 0 ? hit / static_cast<double>(predictedAs) : 0;
        f.recall = present > 0 ? hit / static_cast<double>(present) : 0;
        f.f1 = f.precision + f.recall > 0 ? 2 * f.precision * f.recall / (f.precision + f.recall) : 0;
    }
    return out;
}

VerificationCurve verificationCurve(std::vector<double> genuine, std::vector<double> impostor) {
    if (genuine.empty() || impostor.empty()) throw std::invalid_argument("verification curve: needs genuine and impostor scores");
    std::sort(genuine.begin(), genuine.end(), std::greater<>());
    std::sort(impostor.begin(), impostor.end(), std::greater<>());
    VerificationCurve out;
    out.genuine = static_cast<std::int64_t>(genuine.size());
    out.impostor = static_cast<std::int64_t>(impostor.size());
    const double g = static_cast<double>(genuine.size()), im = static_cast<double>(impostor.size());
    std::vector<double> thresholds;
    thresholds.reserve(genuine.size() + impostor.size());
    std::merge(genuine.begin(), genuine.end(), impostor.begin(), impostor.end(), std::back_inserter(thresholds), std::greater<>());
    thresholds.erase(std::unique(thresholds.begin(), thresholds.end()), thresholds.end());
    // Walking the thresholds downwards, each list's accepted count only grows: two pointers, one pass.
    std::size_t genuineAccepted = 0, impostorAccepted = 0;
    double closest = 2;
    bool frrReached = false;
    out.frrAtFar01 = 1;
    for (const double t : thresholds) {
        while (genuineAccepted < genuine.size() && genuine[genuineAccepted] >= t) ++genuineAccepted;
        while (impostorAccepted < impostor.size() && impostor[impostorAccepted] >= t) ++impostorAccepted;
        const double far = static_cast<double>(impostorAccepted) / im;
        const double frr = 1.0 - static_cast<double>(genuineAccepted) / g;
        out.far.push_back(far);
        out.frr.push_back(frr);
        if (std::abs(far - frr) < closest) {
            closest = std::abs(far - frr);
            out.eer = (far + frr) / 2;
            out.eerThreshold = t;
        }
        if (far <= 0.001) out.frrAtFar01 = frr;  // thresholds fall, so the last one within 0.1% FAR is the lowest
        if (!frrReached && frr <= 0.01) {
            frrReached = true;
            out.farAtFrr1 = far;
        }
    }
    return out;
}

std::pair<std::vector<double>, std::vector<double>> genuineAndImpostor(const std::vector<std::vector<float>>& scores,
                                                                        const std::vector<std::int64_t>& labels, int onlyClass) {
    if (scores.size() != labels.size()) throw std::invalid_argument("verification scores: the lists differ in length");
    std::pair<std::vector<double>, std::vector<double>> out;
    for (std::size_t i = 0; i < scores.size(); ++i) {
        const auto classes = static_cast<std::int64_t>(scores[i].size());
        if (labels[i] < 0 || labels[i] >= classes) throw std::invalid_argument("verification scores: label " + std::to_string(labels[i]) + " outside the scores' classes");
        for (std::int64_t c = 0; c < classes; ++c) {
            if (onlyClass >= 0 && c != onlyClass) continue;
            (c == labels[i] ? out.first : out.second).push_back(scores[i][static_cast<std::size_t>(c)]);
        }
    }
    return out;
}

}  // namespace tinyforge::report
