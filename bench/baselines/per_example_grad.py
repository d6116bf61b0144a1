"""PyTorch peer of bench/vmap.ts: per-example gradients of a 2-64-64-1 tanh MLP's squared error over 256
examples with torch.func (vmap of grad, functional_call; functorch on Debian's torch 1.13), f32. Prints one JSON line with the median time
(the minimum over reps, as bench/vmap.ts: the run least disturbed by other load on a shared machine)
and the configuration it really ran with. Usage: python3 per_example_grad.py [aten_threads] [reps]"""
import json
import statistics
import sys
import time

import torch
try:
    from torch.func import functional_call, grad, vmap
except ImportError:  # torch < 2.0 (Debian bookworm's 1.13): the same functions live in functorch
    from functorch import grad, vmap
    from torch.nn.utils.stateless import functional_call
from torch_runtime import runtime_config

torch.manual_seed(0)
torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
reps = int(sys.argv[2]) if len(sys.argv) > 2 else 31
B, D, H = 256, 2, 64
net = torch.nn.Sequential(torch.nn.Linear(D, H), torch.nn.Tanh(), torch.nn.Linear(H, H), torch.nn.Tanh(), torch.nn.Linear(H, 1))
params = {k: v.detach() for k, v in net.named_parameters()}
xs = torch.rand(B, D)
ys = torch.rand(B)


def loss(p, x, y):
    return (functional_call(net, p, (x.unsqueeze(0),)).squeeze() - y) ** 2


per_example = vmap(grad(loss), in_dims=(None, 0, 0))
for _ in range(3):
    per_example(params, xs, ys)
times = []
for _ in range(reps):
    t0 = time.perf_counter()
    per_example(params, xs, ys)
    times.append((time.perf_counter() - t0) * 1e3)
print(json.dumps({"ms_per_step": min(times), "median_ms": statistics.median(times), "threads": torch.get_num_threads(), **runtime_config(), "torch": torch.__version__}))
