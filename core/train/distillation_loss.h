#pragma once
// Knowledge distillation's loss (Hinton, Vinyals and Dean 2015). Internal to core and its tests: LibTorch types.

#include <ATen/core/Tensor.h>

#include "core/train/train_settings.h"

namespace tinyforge::core::train {

/// p_i = exp(z_i / T) / sum_j exp(z_j / T), row by row.
at::Tensor softenedSoftmax(const at::Tensor& logits, double temperature);

struct DistillationLoss {
    at::Tensor total;  ///< what is minimised
    at::Tensor soft;   ///< the teacher term as it enters the total (kl: alpha * T^2 * KL; sum: H(teacher_T, student_T))
    at::Tensor hard;   ///< the label term as it enters the total (kl: (1 - alpha) * CE; sum: CE)
};

/// The loss of student logits against teacher logits and integer labels, averaged over the batch.
DistillationLoss distillationLoss(const at::Tensor& studentLogits, const at::Tensor& teacherLogits,
                                  const at::Tensor& labels, const DistillSettings& settings);

}  // namespace tinyforge::core::train
