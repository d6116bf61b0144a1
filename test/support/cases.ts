// One example call of every primitive (f64 inputs), shared by the derivative and backend-parity tests.
// the core entry only, so the cases also bundle for the browser (test/viewer/gpuWebgl.test.ts)
import * as fx from '../../core/index.js';
import { rand64, t64 } from './check.js';

export type Case = { name: string; f: (...xs: fx.Tensor[]) => fx.Tensor; inputs: () => fx.Tensor[] };

const pos = (shape: number[], seed: number) => rand64(shape, seed, 0.5, 2);
const idx = (v: number[]) => fx.tensor(v, [v.length], 'i32');

export const cases: Case[] = [
  { name: 'add (broadcast)', f: (a, b) => fx.add(a, b), inputs: () => [rand64([3, 1], 1), rand64([1, 4], 2)] },
  { name: 'sub', f: (a, b) => fx.sub(a, b), inputs: () => [rand64([2, 3], 3), rand64([2, 3], 4)] },
  { name: 'mul', f: (a, b) => fx.mul(a, b), inputs: () => [rand64([2, 3], 5), rand64([2, 3], 6)] },
  { name: 'div', f: (a, b) => fx.div(a, b), inputs: () => [rand64([2, 3], 7), pos([2, 3], 8)] },
  { name: 'neg', f: (a) => fx.neg(a), inputs: () => [rand64([4], 9)] },
  { name: 'exp', f: (a) => fx.exp(a), inputs: () => [rand64([4], 10)] },
  { name: 'log', f: (a) => fx.log(a), inputs: () => [pos([4], 11)] },
  { name: 'sin', f: (a) => fx.sin(a), inputs: () => [rand64([4], 12)] },
  { name: 'cos', f: (a) => fx.cos(a), inputs: () => [rand64([4], 13)] },
  { name: 'tanh', f: (a) => fx.tanh(a), inputs: () => [rand64([4], 14)] },
  { name: 'sqrt', f: (a) => fx.sqrt(a), inputs: () => [pos([4], 15)] },
  { name: 'square', f: (a) => fx.square(a), inputs: () => [rand64([4], 16)] },
  { name: 'pow (constant 2.5)', f: (a) => fx.pow(a, 2.5), inputs: () => [pos([4], 17)] },
  { name: 'pow (constant 3)', f: (a) => fx.pow(a, 3), inputs: () => [rand64([4], 18)] },
  { name: 'pow (tensor exponent)', f: (a, b) => fx.pow(a, b), inputs: () => [pos([4], 19), rand64([4], 20)] },
  { name: 'maximum', f: (a, b) => fx.maximum(a, b), inputs: () => [t64([0.3, -1, 2, 0.1]), t64([0.5, -2, 1, 0.4])] },
  { name: 'relu', f: (a) => fx.relu(a), inputs: () => [t64([0.3, -1, 2, -0.1])] },
  { name: 'where', f: (a, b) => fx.where(fx.tensor([1, 0, 1, 0], [4], 'f64'), a, b), inputs: () => [rand64([4], 21), rand64([4], 22)] },
  { name: 'matmul NN', f: (a, b) => fx.matmul(a, b), inputs: () => [rand64([3, 4], 23), rand64([4, 2], 24)] },
  { name: 'matmul TN', f: (a, b) => fx.matmul(a, b, { transA: true }), inputs: () => [rand64([4, 3], 25), rand64([4, 2], 26)] },
  { name: 'matmul NT', f: (a, b) => fx.matmul(a, b, { transB: true }), inputs: () => [rand64([3, 4], 27), rand64([2, 4], 28)] },
  {
    name: 'matmul TT',
    f: (a, b) => fx.matmul(a, b, { transA: true, transB: true }),
    inputs: () => [rand64([4, 3], 29), rand64([2, 4], 30)],
  },
  { name: 'matmul batched + broadcast', f: (a, b) => fx.matmul(a, b), inputs: () => [rand64([2, 3, 4], 31), rand64([4, 5], 32)] },
  { name: 'matmul vector', f: (a, b) => fx.matmul(a, b), inputs: () => [rand64([4], 33), rand64([4, 3], 34)] },
  { name: 'sum axis', f: (a) => fx.sum(a, 1), inputs: () => [rand64([3, 4, 2], 35)] },
  { name: 'sum all', f: (a) => fx.sum(a), inputs: () => [rand64([3, 4], 36)] },
  { name: 'mean keepDims', f: (a) => fx.mean(a, [0, 2], true), inputs: () => [rand64([3, 4, 2], 37)] },
  { name: 'max axis', f: (a) => fx.max(a, 0), inputs: () => [t64([1, 5, 3, 4, 2, 6], [2, 3])] },
  { name: 'broadcastTo', f: (a) => fx.broadcastTo(a, [2, 3, 4]), inputs: () => [rand64([3, 1], 38)] },
  { name: 'reshape', f: (a) => fx.reshape(a, [4, -1]), inputs: () => [rand64([2, 6], 39)] },
  { name: 'transpose', f: (a) => fx.transpose(a, [2, 0, 1]), inputs: () => [rand64([2, 3, 4], 40)] },
  { name: 'concat', f: (a, b) => fx.concat([a, b, a], 1), inputs: () => [rand64([2, 3], 41), rand64([2, 1], 42)] },
  { name: 'stack', f: (a, b) => fx.stack([a, b], 1), inputs: () => [rand64([2, 3], 43), rand64([2, 3], 44)] },
  { name: 'slice', f: (a) => fx.slice(a, [1, 0, 1], [2, 2, -1]), inputs: () => [rand64([3, 2, 4], 45)] },
  { name: 'pad', f: (a) => fx.pad(a, [1, 0], [2, 3]), inputs: () => [rand64([2, 3], 46)] },
  { name: 'gather (repeated indices)', f: (a) => fx.gather(a, idx([2, 0, 2, 1]), 1), inputs: () => [rand64([2, 3, 2], 47)] },
  {
    name: 'gather 2-D indices',
    f: (a) =>
      fx.gather(
        a,
        fx.tensor(
          [
            [0, 1],
            [1, 1],
          ],
          undefined,
          'i32',
        ),
        0,
      ),
    inputs: () => [rand64([2, 3], 48)],
  },
  { name: 'scatterAdd', f: (a, u) => fx.scatterAdd(a, idx([1, 1, 0]), u, 0), inputs: () => [rand64([3, 2], 49), rand64([3, 2], 50)] },
  { name: 'rfft (even n)', f: (a) => fx.rfft(a), inputs: () => [rand64([2, 8], 53)] },
  { name: 'rfft (odd n)', f: (a) => fx.rfft(a), inputs: () => [rand64([3, 7], 54)] },
  { name: 'irfft (even n)', f: (a) => fx.irfft(a, 8), inputs: () => [rand64([2, 5, 2], 55)] },
  { name: 'irfft (odd n)', f: (a) => fx.irfft(a, 7), inputs: () => [rand64([4, 2], 56)] },
  { name: 'fft', f: (a) => fx.fft(a), inputs: () => [rand64([2, 6, 2], 57)] },
  { name: 'ifft', f: (a) => fx.ifft(a), inputs: () => [rand64([5, 2], 58)] },
  { name: 'rdft_modes (even n)', f: (a) => fx.rdftModes(a, 3), inputs: () => [rand64([8, 2, 3], 59)] },
  { name: 'rdft_modes weighted (odd n, every bin)', f: (a) => fx.rdftModes(a, 4, true), inputs: () => [rand64([7, 5], 60)] },
  { name: 'irdft_modes (even n, Nyquist bin)', f: (a) => fx.irdftModes(a, 8), inputs: () => [rand64([5, 2, 3], 61)] },
  { name: 'irdft_modes unweighted (odd n)', f: (a) => fx.irdftModes(a, 9, false), inputs: () => [rand64([3, 2, 2], 62)] },
  { name: 'complex_block', f: (a) => fx.complexBlock(a), inputs: () => [rand64([2, 3, 4, 2], 63)] },
  { name: 'sigmoid', f: (a) => fx.sigmoid(a), inputs: () => [rand64([4], 51)] },
  // higher-rank layouts: every index computation of a strided or reduced kernel gets a non-trivial stride
  { name: 'sum over axes 0 and 2 of rank 3', f: (a) => fx.sum(a, [0, 2]), inputs: () => [rand64([3, 4, 5], 59)] },
  { name: 'max over the middle axis of rank 4', f: (a) => fx.max(a, 2), inputs: () => [rand64([2, 3, 4, 2], 60)] },
  { name: 'transpose rank 4', f: (a) => fx.transpose(a, [3, 1, 0, 2]), inputs: () => [rand64([2, 3, 4, 5], 61)] },
  { name: 'broadcast into a middle axis', f: (a) => fx.broadcastTo(a, [4, 3, 5, 2]), inputs: () => [rand64([3, 1, 2], 62)] },
  { name: 'slice rank 3 with offsets on every axis', f: (a) => fx.slice(a, [1, 2, 1], [2, 3, 3]), inputs: () => [rand64([4, 6, 5], 63)] },
  { name: 'pad rank 3 on two axes', f: (a) => fx.pad(a, [0, 2, 1], [1, 0, 2]), inputs: () => [rand64([2, 3, 2], 64)] },
  {
    name: 'concat of three along axis 0',
    f: (a, b) => fx.concat([a, b, a], 0),
    inputs: () => [rand64([2, 3, 2], 65), rand64([1, 3, 2], 66)],
  },
  {
    name: 'matmul batched TT',
    f: (a, b) => fx.matmul(a, b, { transA: true, transB: true }),
    inputs: () => [rand64([2, 4, 3], 67), rand64([2, 5, 4], 68)],
  },
  { name: 'gelu', f: (a) => fx.gelu(a), inputs: () => [rand64([4], 52)] },
  { name: 'erf', f: (a) => fx.erf(a), inputs: () => [rand64([6], 69, -2.5, 2.5)] },
  { name: 'softplus', f: (a) => fx.softplus(a), inputs: () => [t64([-30, -1.2, 0.3, 2, 40])] },
  { name: 'atan2 (all quadrants)', f: (a, b) => fx.atan2(a, b), inputs: () => [t64([0.5, 0.7, -0.4, -0.9]), t64([1.2, -0.3, -0.8, 0.6])] },
  { name: 'abs', f: (a) => fx.abs(a), inputs: () => [t64([0.3, -1, 2, -0.1])] },
  { name: 'floor (zero derivative)', f: (a) => fx.floor(a), inputs: () => [t64([0.3, -1.5, 2.7, -0.1])] },
  { name: 'sign (zero derivative)', f: (a) => fx.sign(a), inputs: () => [t64([0.3, -1.5, 2.7, -0.1])] },
];
