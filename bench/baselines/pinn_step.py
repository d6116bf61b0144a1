"""PyTorch peer of bench/core.ts's PINN step: 2D Poisson, u = sin(pi x) sin(pi y), 4096 collocation
points, 2-64-64-64-1 tanh MLP, exact Laplacian by double backward, Adam. Prints one JSON line with the
median step time and the configuration it really ran with (the BLAS and malloc mapped into the process),
so the spawner (bench/torchConfigs.ts) can try BLAS/malloc/thread settings and check each one took effect.
Usage: python3 pinn_step.py [aten_threads] [steps] [points] [layers, e.g. 2,64,64,64,1]"""
import sys

import torch
from torch_runtime import report, time_steps

torch.manual_seed(0)
torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
steps = int(sys.argv[2]) if len(sys.argv) > 2 else 30
N = int(sys.argv[3]) if len(sys.argv) > 3 else 4096
layers = [int(w) for w in sys.argv[4].split(",")] if len(sys.argv) > 4 else [2, 64, 64, 64, 1]
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


times, cpu, loss = time_steps(step, steps)
report(times, cpu, loss=loss)
