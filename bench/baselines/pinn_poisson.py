"""PyTorch baseline for bench/pinn.ts: one Adam training step of a 2-64-64-64-1 tanh MLP on
-lap u = 2 pi^2 sin(pi x) sin(pi y) over [0,1]^2 with 4096 collocation points (exact Laplacian by
double backward) plus 256 boundary points. Prints JSON {"ms_per_step": ..., "steps": ...}."""
import json
import math
import sys
import time

import torch

torch.manual_seed(0)
dtype = torch.float32
torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
net = torch.nn.Sequential(
    torch.nn.Linear(2, 64), torch.nn.Tanh(), torch.nn.Linear(64, 64), torch.nn.Tanh(),
    torch.nn.Linear(64, 64), torch.nn.Tanh(), torch.nn.Linear(64, 1),
)
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
x = torch.rand(4096, 2, dtype=dtype, requires_grad=True)
t = torch.rand(64, 1, dtype=dtype)
z, o = torch.zeros_like(t), torch.ones_like(t)
xb = torch.cat([torch.cat([t, z], 1), torch.cat([t, o], 1), torch.cat([z, t], 1), torch.cat([o, t], 1)])
f = 2 * math.pi**2 * torch.sin(math.pi * x[:, 0:1]) * torch.sin(math.pi * x[:, 1:2])


def step():
    opt.zero_grad()
    u = net(x)
    (g,) = torch.autograd.grad(u.sum(), x, create_graph=True)
    lap = 0
    for i in range(2):
        (gi,) = torch.autograd.grad(g[:, i].sum(), x, create_graph=True)
        lap = lap + gi[:, i : i + 1]
    loss = ((-lap - f) ** 2).mean() + (net(xb) ** 2).mean()
    loss.backward()
    opt.step()
    return loss.item()


for _ in range(5):
    step()
n = 50
t0 = time.perf_counter()
for _ in range(n):
    step()
print(json.dumps({"ms_per_step": (time.perf_counter() - t0) / n * 1e3, "steps": n}))
