#pragma once
// The statistics a comparison report rests on: confidence intervals of accuracies and of paired differences, the
// Pareto front of accuracy against cost, and per-class figures from a confusion matrix. Plain arithmetic, so every
// figure can be checked by hand.

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace tinyforge::report {

struct Interval {
    double lo = 0, hi = 0;
};

/// The Wilson score interval at 95% (z = 1.96) of a proportion `correct` / `samples`; [0, 1] when samples is 0.
Interval wilsonInterval(std::int64_t correct, std::int64_t samples);

/// Two models scored on the same samples: `firstOnly` samples only the first got right, `secondOnly` the reverse.
struct PairedDifference {
    double difference = 0;  ///< first's accuracy minus second's: (firstOnly - secondOnly) / samples
    Interval ci95;          ///< Wald interval of a paired difference: d -+ 1.96 sqrt(b + c - (b - c)^2 / n) / n
    double pValue = 1;      ///< exact two-sided McNemar test on (firstOnly, secondOnly)
    bool withinNoise() const { return pValue >= 0.05; }
};
/// Throws std::invalid_argument when samples <= 0 or the counts exceed it.
PairedDifference pairedDifference(std::int64_t firstOnly, std::int64_t secondOnly, std::int64_t samples);

/// A candidate for the front: higher `benefit` is better (accuracy), lower `cost` is better (bytes, latency).
struct ParetoPoint {
    double benefit = 0, cost = 0;
};
/// For each point: nullopt when it is on the front, else the index of a point that dominates it (at least as good on
/// both axes and better on one; of those, the one with the highest benefit, then the lowest cost, then the lowest
/// index). Equal points do not dominate each other.
std::vector<std::optional<std::size_t>> paretoDominators(const std::vector<ParetoPoint>& points);

/// counts[truth][predicted]. Throws std::invalid_argument when the lists differ in length or a class is outside
/// [0, classes).
std::vector<std::vector<std::int64_t>> confusionMatrix(const std::vector<std::int64_t>& truth, const std::vector<std::int64_t>& predicted,
                                                       int classes);

struct ClassFigures {
    double precision = 0, recall = 0, f1 = 0;  ///< 0 where undefined (no sample predicted / present)
    std::int64_t support = 0;                  ///< samples of the class
};
/// Precision, recall and F1 of each class from counts[truth][predicted].
std::vector<ClassFigures> classFigures(const std::vector<std::vector<std::int64_t>>& counts);

/// Identification scores seen as verification, as biometric users judge a model: for each test sample, its score
/// for its own class is a genuine attempt and its score for every other class an impostor attempt (one-vs-rest over
/// every class, pooled). A threshold t accepts scores >= t: FAR(t) is the share of impostor scores accepted, FRR(t)
/// the share of genuine scores rejected.
struct VerificationCurve {
    std::vector<double> far, frr;  ///< one point per distinct score taken as the threshold, highest first
    double eer = 0;                ///< equal error rate: (FAR + FRR) / 2 at the threshold where they are closest
    double eerThreshold = 0;
    double farAtFrr1 = 0;          ///< FAR at the highest threshold whose FRR is at most 1%
    double frrAtFar01 = 0;         ///< FRR at the lowest threshold whose FAR is at most 0.1%
    std::int64_t genuine = 0, impostor = 0;
};
/// Throws std::invalid_argument when either list is empty.
VerificationCurve verificationCurve(std::vector<double> genuine, std::vector<double> impostor);

/// Splits per-sample class scores (`scores[i]` has one score per class) into genuine and impostor scores by
/// `labels`; `onlyClass` >= 0 keeps only that class's column (one-vs-rest for one class). Throws
/// std::invalid_argument for a label outside the scores' classes or lists of different lengths.
std::pair<std::vector<double>, std::vector<double>> genuineAndImpostor(const std::vector<std::vector<float>>& scores,
                                                                        const std::vector<std::int64_t>& labels, int onlyClass = -1);

}  // namespace tinyforge::report
