"""PyTorch peer of bench/core.ts's PINN step: 2D Poisson, u = sin(pi x) sin(pi y), 4096 collocation
points, 2-64-64-64-1 tanh MLP, exact Laplacian by double backward, Adam. Prints one JSON line."""
import json
import sys
import time

import torch

torch.manual_seed(0)
torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
steps = int(sys.argv[2]) if len(sys.argv) > 2 else 30
N = 4096
layers = [2, 64, 64, 64, 1]
mods = []
for a, b in zip(layers[:-1], layers[1:]):
    lin = torch.nn.Linear(a, b)
    torch.nn.init.xavier_normal_(lin.weight)
    torch.nn.init.zeros_(lin.bias)
    mods += [lin, torch.nn.Tanh()]
net = torch.nn.Sequential(*mods[:-1])
x = torch.rand(N, 2)
f = 2 * torch.pi**2 * torch.sin(torch.pi * x[:, :1]) * torch.sin(torch.pi * x[:, 1:])
opt = torch.optim.Adam(net.parameters(), lr=1e-3)


def step():
    xr = x.clone().requires_grad_(True)
    u = net(xr)
    (g,) = torch.autograd.grad(u.sum(), xr, create_graph=True)
    lap = 0
    for i in range(2):
        (gi,) = torch.autograd.grad(g[:, i].sum(), xr, create_graph=True)
        lap = lap + gi[:, i : i + 1]
    loss = ((lap + f) ** 2).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    return loss.item()


for _ in range(3):
    step()
t0 = time.perf_counter()
for _ in range(steps):
    loss = step()
ms = (time.perf_counter() - t0) / steps * 1e3
print(json.dumps({"ms_per_step": ms, "threads": torch.get_num_threads(), "torch": torch.__version__, "loss": loss}))
