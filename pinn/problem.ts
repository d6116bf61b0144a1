// Problem definitions (DeepXDE-like) and their compilation into loss terms: each term knows how to
// draw its points for a given seed and how to turn a field context into residual tensors.
import type { Tensor } from '../core/tensor.js';
import * as ops from '../core/ops.js';
import type { Geometry } from '../meshes/geometry/geometry.js';
import { isTimeGeometry, TimeInterval } from '../meshes/geometry/timeInterval.js';
import type { SamplerKind } from '../meshes/sampling/samplers.js';
import type { FieldContext, FieldFn, ContextLayout } from './context.js';
import { checkTrueValues, checkUnknownScales } from './unknowns.js';
import { entryResidual, integralFlags, pdeEntries, pdeLossNames, type PdeEntry } from './equations.js';
import {
  compileEquation,
  compileNode,
  compileNumeric,
  deriveSource,
  parseEquation,
  toTensor,
  unknownSymbols,
  type ExprScope,
} from './expr.js';
import { attachCoefficients, type PointCoefficient } from './coefficients.js';
import type { InputFeatures } from './outputTransform.js';

/** A value on points: a constant, a mathjs expression (coordinates, fields, constants), or a function of the context. */
export type ValueSpec = number | string | FieldFn;
/** Selects boundary points, e.g. `(p) => Math.abs(p[0] + 1) < 1e-9` for x = -1. */
export type PointFilter = (p: Float64Array) => boolean;
export type ResidualFn = (c: FieldContext) => Tensor | number | Array<Tensor | number>;

interface ConditionBase {
  /** loss term name; defaults to kind + index (bc0, ic, ...) */
  name?: string;
  /** number of points per sampling (default from trainer options) */
  count?: number;
}
export interface DirichletSpec extends ConditionBase {
  kind: 'dirichlet';
  field: string;
  value: ValueSpec;
  where?: PointFilter;
}
export interface NeumannSpec extends ConditionBase {
  kind: 'neumann';
  field: string;
  value: ValueSpec;
  where?: PointFilter;
}
/** du/dn = value, where value may involve the field itself (e.g. 'u' or '2 - u'). */
export interface RobinSpec extends ConditionBase {
  kind: 'robin';
  field: string;
  value: ValueSpec;
  where?: PointFilter;
}
/** u (or du/dcoord with derivative 1) equal on the two faces coord = min and coord = max of the bounding box. */
export interface PeriodicSpec extends ConditionBase {
  kind: 'periodic';
  field: string;
  coord: string;
  derivative?: 0 | 1;
}
/** u(x, t0) = value, or u_t(x, t0) = value with derivative 1. */
export interface InitialSpec extends ConditionBase {
  kind: 'initial';
  field: string;
  value: ValueSpec;
  derivative?: 0 | 1;
}
/**
 * Observations for inverse problems: rows of `points` (n x dim) with values per field. `fields` observes only
 * those of the values (default: every field with values), so an unknown coefficient field stays unobserved.
 */
export interface DataSpec extends ConditionBase {
  kind: 'data';
  points: Float64Array;
  values: Readonly<Record<string, Float64Array>>;
  fields?: readonly string[];
}
/** u(at) = value at given points, e.g. pinning the pressure p(0, 0) = 0; `at` is one point or a list. */
export interface PointSpec extends ConditionBase {
  kind: 'point';
  field: string;
  at: readonly number[] | ReadonlyArray<readonly number[]>;
  value: ValueSpec;
}
/** Any residual on boundary points (normals available through c.dn). */
export interface BoundaryResidualSpec extends ConditionBase {
  kind: 'boundary';
  residual: ResidualFn;
  where?: PointFilter;
}

export type ConditionSpec =
  | DirichletSpec
  | NeumannSpec
  | RobinSpec
  | PeriodicSpec
  | InitialSpec
  | DataSpec
  | PointSpec
  | BoundaryResidualSpec;

export interface ReferenceSet {
  /** row-major n x dim coordinates */
  points: Float64Array;
  values: Readonly<Record<string, Float64Array>>;
}

export interface ProblemSpec {
  /** coordinate names in input order, e.g. ['x', 't'] */
  coords: readonly string[];
  /** output field names, e.g. ['u'] or ['u', 'v', 'p'] */
  fields: readonly string[];
  domain: Geometry;
  /** time coordinate name (excluded from lap/grad/div); default 't' when present */
  time?: string;
  constants?: Readonly<Record<string, number>>;
  /** trainable constants with their initial values (inverse problems) */
  unknowns?: Readonly<Record<string, number>>;
  /**
   * per-unknown scale s: the optimizer trains value / s, so a step moves the unknown s times as far (for
   * unknowns far from 1 in size, e.g. a coefficient of 10 starting at 1: scale 10)
   */
  unknownScales?: Readonly<Record<string, number>>;
  /** known values of (some) unknowns, e.g. { D: 0.1 }: evaluation reports each one's relative error */
  trueValues?: Readonly<Record<string, number>>;
  /**
   * residual equations: strings (`lhs = rhs` allowed), functions returning one or more residuals, or
   * `{ residual, name }`; each entry is one loss term ('pde' alone, else pde0, pde1, ... or its name)
   */
  pde: PdeEntry | ReadonlyArray<PdeEntry>;
  conditions?: readonly ConditionSpec[];
  /** hard constraints: u = transform(x [N,d], netOut [N,fields]) -> [N,fields] */
  transform?: (x: Tensor, out: Tensor) => Tensor;
  /** extra network inputs computed from the coordinates (pinn/outputTransform.ts inputFeatures), appended to x */
  features?: InputFeatures;
  /** exact solution per field (expressions in the coordinates, or functions of a point) */
  exact?: Readonly<Record<string, string | ((p: Float64Array) => number)>>;
  reference?: ReferenceSet;
  /**
   * Per-point coefficients by name, usable in PDEs and condition values as `a` or `a(x, y)`: functions of a
   * point (e.g. meshes' tableInterpolator over a data file), evaluated on the host at each term's points.
   */
  coefficients?: Readonly<Record<string, PointCoefficient>>;
}

/** Points for one term: main points, optional normals, partner points (periodic), per-point inputs. */
export interface TermPoints {
  x: Float64Array;
  normals?: Float64Array;
  partner?: Float64Array;
  inputs?: Record<string, Float64Array>;
}

export interface Term {
  name: string;
  kind: ConditionSpec['kind'] | 'pde';
  /** default point count key */
  pointsKey: 'domain' | 'boundary' | 'initial' | 'data';
  fixedCount?: number;
  /** whether resampling redraws this term's points */
  resample: boolean;
  draw(n: number, sampler: SamplerKind, seed: number): TermPoints;
  /** residuals on the main context (and the partner context for periodic terms) */
  residual(c: FieldContext, partner?: FieldContext): Tensor[];
  /** per-point inputs (coefficients) at the term's points x (n x dim); set when the residual reads any */
  pointInputs?: (x: Float64Array) => Record<string, Float64Array>;
  /** loss names of this term's points, one per residual group (default [name]); a PDE system has one per equation */
  losses?: readonly string[];
  /** per entry of `losses`: whether that loss is an integral constraint (PdeEquation.integral) */
  integral?: readonly boolean[];
  /** residuals grouped by loss (one group per entry of `losses`); absent: all residuals feed one loss */
  residualGroups?(c: FieldContext, partner?: FieldContext): Tensor[][];
}

export interface CompiledProblem {
  spec: ProblemSpec;
  layout: ContextLayout;
  scope: ExprScope;
  terms: Term[];
  /** exact solutions as point functions, when known */
  exact: Record<string, (p: Float64Array) => number> | null;
}

const dimOf = (g: Geometry): number => g.dim;

/** Boundary points passing `where` (oversampling until enough are found, or a clear error). */
function boundaryDraw(
  g: Geometry,
  n: number,
  sampler: SamplerKind,
  seed: number,
  where: PointFilter | undefined,
  name: string,
): TermPoints {
  if (g.dim === 1) {
    // 1D: the boundary is two points; alternate them so both are always present (random picks may miss one)
    const ends = [g.bbox.min[0], g.bbox.max[0]].filter((v) => !where || where(Float64Array.of(v)));
    if (!ends.length) throw new Error(`condition '${name}': no boundary points satisfy its 'where' filter`);
    const m = Math.max(n, ends.length);
    const x = Float64Array.from({ length: m }, (_, i) => ends[i % ends.length]);
    return { x, normals: x.map((v) => (v === g.bbox.min[0] ? -1 : 1)) };
  }
  if (!where) {
    const s = g.sampleBoundary(n, sampler, seed);
    return { x: s.points.data, normals: s.normals.data };
  }
  const d = dimOf(g);
  for (let factor = 4; factor <= 1024; factor *= 4) {
    const s = g.sampleBoundary(n * factor, sampler, seed);
    const mask = new Uint8Array(n * factor);
    let kept = 0;
    for (let i = 0; i < n * factor && kept < n; i++) {
      if (where(s.points.data.subarray(i * d, (i + 1) * d))) {
        mask[i] = 1;
        kept++;
      }
    }
    if (kept < n && factor < 1024) continue;
    if (kept === 0) break;
    const x = new Float64Array(kept * d);
    const nrm = new Float64Array(kept * d);
    for (let i = 0, j = 0; i < n * factor && j < kept; i++) {
      if (!mask[i]) continue;
      x.set(s.points.data.subarray(i * d, (i + 1) * d), j * d);
      nrm.set(s.normals.data.subarray(i * d, (i + 1) * d), j * d);
      j++;
    }
    return { x, normals: nrm };
  }
  throw new Error(`condition '${name}': no boundary points satisfy its 'where' filter`);
}

function valueFn(v: ValueSpec, scope: ExprScope, label: string): (c: FieldContext) => Tensor {
  if (typeof v === 'number') return (c) => toTensor(v, c, label);
  if (typeof v === 'string') return compileEquation(v, scope, label);
  if (typeof v === 'function') return (c) => toTensor(v(c), c, label);
  throw new Error(`${label}: expected a number, an expression string or a function, got ${typeof v}`);
}

function residualList(r: ReturnType<ResidualFn>, c: FieldContext, label: string): Tensor[] {
  const list = Array.isArray(r) ? r : [r];
  return list.map((v) => toTensor(v, c, label));
}

function checkField(spec: ProblemSpec, field: string, label: string): void {
  if (!spec.fields.includes(field)) throw new Error(`${label}.field: unknown field '${field}'; fields are ${spec.fields.join(', ')}`);
}

/** Validates a spec and turns it into loss terms. */
export function compileProblem(spec: ProblemSpec): CompiledProblem {
  if (!spec.coords?.length) throw new Error('problem.coords: expected at least one coordinate name');
  if (!spec.fields?.length) throw new Error('problem.fields: expected at least one field name');
  if (spec.domain.dim !== spec.coords.length) {
    throw new Error(`problem.domain: geometry has dim ${spec.domain.dim} but coords are [${spec.coords.join(', ')}]`);
  }
  const time = spec.time ?? (spec.coords.includes('t') ? 't' : undefined);
  const timeIndex = time === undefined ? -1 : spec.coords.indexOf(time);
  if (time !== undefined && timeIndex < 0) throw new Error(`problem.time: '${time}' is not one of the coords ${spec.coords.join(', ')}`);
  const layout: ContextLayout = { coords: spec.coords, fields: spec.fields, timeIndex };
  const scope: ExprScope = {
    coords: spec.coords,
    fields: spec.fields,
    timeIndex,
    constants: spec.constants ?? {},
    unknowns: Object.keys(spec.unknowns ?? {}),
    coefficients: Object.keys(spec.coefficients ?? {}),
  };
  const taken = new Set([...spec.coords, ...spec.fields, ...Object.keys(spec.constants ?? {}), ...Object.keys(spec.unknowns ?? {})]);
  for (const [k, f] of Object.entries(spec.coefficients ?? {})) {
    if (taken.has(k)) throw new Error(`coefficients.${k}: the name is already a coordinate, field, constant or unknown`);
    if (typeof f !== 'function') throw new Error(`coefficients.${k}: expected a function of a point, got ${typeof f}`);
  }
  checkTrueValues(spec.trueValues ?? {}, Object.keys(spec.unknowns ?? {}), 'trueValues');
  checkUnknownScales(spec.unknownScales ?? {}, Object.keys(spec.unknowns ?? {}), 'unknownScales');
  const exactStrings: Record<string, string> = {};
  for (const [f, e] of Object.entries(spec.exact ?? {})) {
    checkField(spec, f, `exact.${f}`);
    if (typeof e === 'string') exactStrings[f] = e;
  }
  const d = spec.coords.length;
  const g = spec.domain;
  const terms: Term[] = [];

  // PDE residuals: strings may leave one source symbol free when every field has an exact expression
  const entries = pdeEntries(spec.pde);
  const pdes = entries.map(entryResidual);
  const pdeNames = pdeLossNames(entries);
  const pdeFns = pdes.map((p, i): ((c: FieldContext) => Tensor[]) => {
    const label = pdes.length > 1 ? `pde[${i}]` : 'pde';
    if (typeof p === 'function') return (c) => residualList(p(c), c, label);
    if (typeof p !== 'string') throw new Error(`${label}: expected an expression string or a function`);
    const free = unknownSymbols(p, scope, label);
    let sourceFn: ((c: FieldContext) => Tensor) | null = null;
    if (free.length === 1 && spec.fields.every((f) => f in exactStrings)) {
      const src = deriveSource(p, free[0], scope, exactStrings, label);
      const body = compileNode(parseEquation(src, `${label} source ${free[0]}`), scope, `${label} source ${free[0]}`, src);
      sourceFn = (c) => toTensor(body(c), c, label);
      const withSource = compileNode(parseEquation(p, label), { ...scope, unknowns: [...(scope.unknowns ?? []), free[0]] }, label, p);
      const sourceName = free[0];
      return (c) => {
        const inner: FieldContext = Object.create(c, {
          param: { value: (name: string) => (name === sourceName ? (sourceFn as (c: FieldContext) => Tensor)(c) : c.param(name)) },
        });
        return [toTensor(withSource(inner), c, label)];
      };
    }
    const f = compileEquation(p, scope, label); // throws naming the unknown symbol
    return (c) => [f(c)];
  });
  terms.push({
    name: 'pde',
    kind: 'pde',
    pointsKey: 'domain',
    resample: true,
    draw: (n, sampler, seed) => ({ x: g.sampleInterior(n, sampler, seed).data }),
    residual: (c) => pdeFns.flatMap((f) => f(c)),
    losses: pdeNames,
    integral: integralFlags(entries),
    residualGroups: (c) => pdeFns.map((f) => f(c)),
  });

  const counts = new Map<string, number>();
  const prefixOf = (c: ConditionSpec): string =>
    c.kind === 'initial' ? 'ic' : c.kind === 'data' || c.kind === 'point' ? c.kind : c.kind === 'periodic' ? 'periodic' : 'bc';
  const totals = new Map<string, number>();
  (spec.conditions ?? []).forEach((c) => totals.set(prefixOf(c), (totals.get(prefixOf(c)) ?? 0) + 1));
  (spec.conditions ?? []).forEach((cond, i) => {
    const prefix = prefixOf(cond);
    const k = counts.get(prefix) ?? 0;
    counts.set(prefix, k + 1);
    // a lone condition of its kind is just 'bc' / 'ic' / 'data'; several are numbered bc0, bc1, ...
    const name = cond.name ?? (totals.get(prefix) === 1 ? prefix : `${prefix}${k}`);
    const label = `conditions[${i}]`;
    if (terms.some((t) => t.name === name || t.losses?.includes(name)))
      throw new Error(`${label}.name: duplicate loss term name '${name}'`);
    const base = { name, kind: cond.kind, fixedCount: cond.kind === 'data' ? undefined : cond.count };
    if (g instanceof TimeInterval && cond.kind !== 'initial' && cond.kind !== 'data') {
      throw new Error(
        `${label}: a ${cond.kind} condition needs a spatial boundary, but the domain is the time interval of an ODE; use an initial condition`,
      );
    }
    switch (cond.kind) {
      case 'dirichlet':
      case 'neumann':
      case 'robin': {
        checkField(spec, cond.field, label);
        const value = valueFn(cond.value, scope, `${label}.value`);
        const field = cond.field;
        const lhs = cond.kind === 'dirichlet' ? (c: FieldContext) => c.u(field) : (c: FieldContext) => c.dn(field);
        terms.push({
          ...base,
          pointsKey: 'boundary',
          resample: true,
          draw: (n, sampler, seed) => boundaryDraw(g, n, sampler, seed, cond.where, name),
          residual: (c) => [ops.sub(lhs(c), value(c))],
        });
        break;
      }
      case 'boundary': {
        const r = cond.residual;
        terms.push({
          ...base,
          pointsKey: 'boundary',
          resample: true,
          draw: (n, sampler, seed) => boundaryDraw(g, n, sampler, seed, cond.where, name),
          residual: (c) => residualList(r(c), c, label),
        });
        break;
      }
      case 'initial': {
        checkField(spec, cond.field, label);
        if (!isTimeGeometry(g))
          throw new Error(`${label}: initial conditions need a time-domain geometry (meshes timeDomain or timeInterval)`);
        if (timeIndex !== d - 1) throw new Error(`${label}: the time coordinate must be the last coordinate`);
        const value = valueFn(cond.value, scope, `${label}.value`);
        const field = cond.field;
        const tName = spec.coords[timeIndex];
        const lhs = cond.derivative === 1 ? (c: FieldContext) => c.d(field, [tName]) : (c: FieldContext) => c.u(field);
        terms.push({
          ...base,
          pointsKey: 'initial',
          resample: true,
          draw: (n, sampler, seed) => ({ x: g.sampleInitial(n, sampler, seed).data }),
          residual: (c) => [ops.sub(lhs(c), value(c))],
        });
        break;
      }
      case 'periodic': {
        checkField(spec, cond.field, label);
        const ax = spec.coords.indexOf(cond.coord);
        if (ax < 0) throw new Error(`${label}.coord: unknown coordinate '${cond.coord}'`);
        const field = cond.field;
        const coord = cond.coord;
        const lhs = cond.derivative === 1 ? (c: FieldContext) => c.d(field, [coord]) : (c: FieldContext) => c.u(field);
        terms.push({
          ...base,
          pointsKey: 'boundary',
          resample: true,
          draw: (n, sampler, seed) => {
            const x = g.sampleInterior(n, sampler, seed).data;
            const partner = Float64Array.from(x);
            for (let r = 0; r < n; r++) {
              x[r * d + ax] = g.bbox.min[ax];
              partner[r * d + ax] = g.bbox.max[ax];
            }
            return { x, partner };
          },
          residual: (c, p) => [ops.sub(lhs(c), lhs(p as FieldContext))],
        });
        break;
      }
      case 'data': {
        const n = cond.points.length / d;
        if (!Number.isInteger(n) || n < 1)
          throw new Error(`${label}.points: expected n x ${d} coordinates, got ${cond.points.length} numbers`);
        const fields = cond.fields ? [...cond.fields] : Object.keys(cond.values);
        if (!fields.length) throw new Error(`${label}.values: expected values for at least one field`);
        fields.forEach((f) => {
          checkField(spec, f, `${label}.values`);
          if (!cond.values[f])
            throw new Error(
              `${label}.fields: no observed values for field '${f}'; values hold ${Object.keys(cond.values).join(', ') || 'none'}`,
            );
          if (cond.values[f].length !== n)
            throw new Error(`${label}.values.${f}: expected ${n} values (one per point), got ${cond.values[f].length}`);
        });
        terms.push({
          ...base,
          pointsKey: 'data',
          resample: false,
          fixedCount: n,
          draw: () => ({ x: cond.points, inputs: Object.fromEntries(fields.map((f) => [f, cond.values[f]])) }),
          residual: (c) => fields.map((f) => ops.sub(c.u(f), c.input(f))),
        });
        break;
      }
      case 'point': {
        checkField(spec, cond.field, label);
        const x = pointRows(cond.at, d, `${label}.at`);
        const value = valueFn(cond.value, scope, `${label}.value`);
        const field = cond.field;
        terms.push({
          ...base,
          pointsKey: 'data',
          resample: false,
          fixedCount: x.length / d,
          draw: () => ({ x }),
          residual: (c) => [ops.sub(c.u(field), value(c))],
        });
        break;
      }
      default:
        throw new Error(
          `${label}.kind: expected dirichlet, neumann, robin, periodic, initial, data, point or boundary, got '${(cond as { kind: string }).kind}'`,
        );
    }
  });

  const paramValue = (k: string): number => spec.unknowns?.[k] ?? spec.constants?.[k] ?? 0;
  attachCoefficients(terms, spec.coefficients ?? {}, layout, paramValue);

  let exact: CompiledProblem['exact'] = null;
  if (spec.exact && Object.keys(spec.exact).length) {
    exact = {};
    for (const [f, e] of Object.entries(spec.exact)) {
      exact[f] = typeof e === 'string' ? numericExact(e, spec) : e;
    }
  }
  return { spec, layout, scope, terms, exact };
}

/** One point [x, y] or a list [[x, y], ...] as row-major n x d coordinates. */
function pointRows(at: PointSpec['at'], d: number, label: string): Float64Array {
  const rows = (at.length > 0 && Array.isArray(at[0]) ? at : [at]) as ReadonlyArray<readonly number[]>;
  if (!rows.length) throw new Error(`${label}: expected at least one point`);
  rows.forEach((r, k) => {
    if (!Array.isArray(r) || r.length !== d || !r.every(Number.isFinite))
      throw new Error(`${label}${rows === at ? `[${k}]` : ''}: expected ${d} finite coordinates, got ${JSON.stringify(r)}`);
  });
  return Float64Array.from(rows.flat());
}

function numericExact(src: string, spec: ProblemSpec): (p: Float64Array) => number {
  return compileNumeric(src, spec.coords, spec.constants ?? {}, 'exact');
}
