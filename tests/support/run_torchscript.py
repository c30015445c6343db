"""Runs a TorchScript file in PyTorch (python3-torch) on raw float32 inputs and writes raw float32 outputs.

Usage: run_torchscript.py MODEL.pt INPUT.bin N C [H W] OUTPUT.bin
"""
import sys

import numpy as np
import torch

model_path, input_path = sys.argv[1], sys.argv[2]
shape = [int(d) for d in sys.argv[3:-1]]
output_path = sys.argv[-1]
model = torch.jit.load(model_path)
model.eval()
x = torch.from_numpy(np.fromfile(input_path, dtype=np.float32).reshape(shape))
with torch.no_grad():
    y = model(x)
y.numpy().astype(np.float32).tofile(output_path)
print("outputs", list(y.shape))
