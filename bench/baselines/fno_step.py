"""PyTorch peer of bench/fno.ts's FNO-1D training step, the architecture of operators/fno.ts: lift (a(x), x)
pointwise to 64 channels, 4 Fourier layers v <- gelu(K v + W v) (no activation after the last), K keeping the
16 lowest rfft modes with complex weights mixed by einsum, W a 1x1 convolution, projection 64 -> 128 -> 1 with
a GELU between; GELU is the tanh approximation, as fx.gelu. MSE loss, Adam, batch 20, float32, grid size n.
Prints one JSON line with the median step time and the configuration it really ran with (see pinn_step.py).
Usage: python3 fno_step.py [aten_threads] [steps] [n]"""
import sys

import torch
import torch.nn.functional as F
from torch_runtime import report, time_steps

torch.manual_seed(0)
torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
steps = int(sys.argv[2]) if len(sys.argv) > 2 else 30
n = int(sys.argv[3]) if len(sys.argv) > 3 else 256
B, WIDTH, MODES, LAYERS, PROJ = 20, 64, 16, 4, 128


class SpectralConv1d(torch.nn.Module):
    def __init__(self, cin, cout, modes):
        super().__init__()
        self.modes = modes
        scale = 1 / (cin * cout)
        self.weight = torch.nn.Parameter(scale * torch.rand(cin, cout, modes, dtype=torch.cfloat))

    def forward(self, x):  # x [B, Cin, n]
        X = torch.fft.rfft(x)
        m = min(self.modes, X.shape[-1])
        Y = torch.zeros(x.shape[0], self.weight.shape[1], X.shape[-1], dtype=torch.cfloat)
        Y[:, :, :m] = torch.einsum("bix,iox->box", X[:, :, :m], self.weight[:, :, :m])
        return torch.fft.irfft(Y, n=x.shape[-1])


class Fno1d(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lift = torch.nn.Linear(2, WIDTH)
        self.spectral = torch.nn.ModuleList(SpectralConv1d(WIDTH, WIDTH, MODES) for _ in range(LAYERS))
        self.pointwise = torch.nn.ModuleList(torch.nn.Conv1d(WIDTH, WIDTH, 1) for _ in range(LAYERS))
        self.proj1 = torch.nn.Linear(WIDTH, PROJ)
        self.proj2 = torch.nn.Linear(PROJ, 1)

    def forward(self, a, grid):  # a [B, n], grid [B, n]
        v = self.lift(torch.stack([a, grid], -1)).permute(0, 2, 1)  # [B, width, n]
        for i, (k, w) in enumerate(zip(self.spectral, self.pointwise)):
            v = k(v) + w(v)
            if i < LAYERS - 1:
                v = F.gelu(v, approximate="tanh")
        v = F.gelu(self.proj1(v.permute(0, 2, 1)), approximate="tanh")
        return self.proj2(v).squeeze(-1)


net = Fno1d()
a = torch.randn(B, n)
y = torch.randn(B, n)
grid = torch.linspace(0, 1 - 1 / n, n).expand(B, n)
opt = torch.optim.Adam(net.parameters(), lr=1e-3)


def step():
    loss = ((net(a, grid) - y) ** 2).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    return loss.item()


times, cpu, loss = time_steps(step, steps)
report(times, cpu, n=n, loss=loss)
