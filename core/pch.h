#pragma once
// Precompiled header for core's LibTorch users: parsing <torch/torch.h> costs ~25 s a translation unit.
#include <torch/torch.h>
