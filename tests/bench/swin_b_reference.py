"""Times torchvision's swin_b (random weights) at SIZE x SIZE, batch 1, fp32, inference mode, with
THREADS threads; prints the best of REPEATS in milliseconds. Called by model_bench."""
import sys
import time

import torch
from torchvision.models import swin_b

size, threads, repeats = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
torch.set_num_threads(threads)
model = swin_b(weights=None).eval()
image = torch.randn(1, 3, size, size)
best = float("inf")
with torch.inference_mode():
    model(image)
    for _ in range(repeats):
        start = time.perf_counter()
        model(image)
        best = min(best, time.perf_counter() - start)
print(f"{best * 1000:.1f}")
