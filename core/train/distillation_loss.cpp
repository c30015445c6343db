#include "core/train/distillation_loss.h"

#include <torch/torch.h>

namespace tinyforge::core::train {

at::Tensor softenedSoftmax(const at::Tensor& logits, double temperature) {
    return torch::softmax(logits / temperature, 1);
}

DistillationLoss distillationLoss(const at::Tensor& studentLogits, const at::Tensor& teacherLogits,
                                  const at::Tensor& labels, const DistillSettings& settings) {
    const double t = settings.temperature;
    const auto studentLogSoft = torch::log_softmax(studentLogits / t, 1);
    const auto teacherSoft = torch::softmax(teacherLogits / t, 1);
    const auto hardCrossEntropy = torch::nll_loss(torch::log_softmax(studentLogits, 1), labels);
    // H(teacher_T, student_T) = -sum p_t log p_s, averaged over the batch.
    const auto softCrossEntropy = -(teacherSoft * studentLogSoft).sum(1).mean();
    DistillationLoss loss;
    if (settings.loss == "sum") {
        loss.soft = softCrossEntropy;
        loss.hard = hardCrossEntropy;
    } else {
        // KL(p_t || p_s) = H(p_t, p_s) - H(p_t); the T^2 keeps the soft gradients' scale independent of T.
        const auto teacherEntropy = -(teacherSoft * torch::log_softmax(teacherLogits / t, 1)).sum(1).mean();
        loss.soft = settings.alpha * t * t * (softCrossEntropy - teacherEntropy);
        loss.hard = (1.0 - settings.alpha) * hardCrossEntropy;
    }
    loss.total = loss.soft + loss.hard;
    return loss;
}

}  // namespace tinyforge::core::train
