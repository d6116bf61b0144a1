// Every expression of a `kind: pinn` config, checked on its mathjs tree before anything is built or
// trained: an unknown symbol or function names its key path with a "did you mean", reserved names
// (__proto__, constructor) are refused, and each PDE is read into what it was understood as (fields,
// derivatives, constants, unknowns, and the undeclared symbol derived as a source term, if any).
import { math } from '../pinn/mathjs.js';
import type { MathNode } from 'mathjs';
import {
  BUILTIN_CONSTANT_NAMES,
  EXPR_FUNCTIONS,
  derivativeSymbol,
  isAffineIn,
  isReservedName,
  parseEquation,
  rawOutputName,
  symbolUse,
  type ExprError,
  type ExprScope,
} from '../pinn/index.js';
import { NUMERIC_FUNCTIONS } from '../pinn/branches.js';
import { ConfigError } from './errors.js';
import { FACES } from './pinnAdapter.js';
import { closest, editDistance } from './suggest.js';
import { defaultCoords, spaceDim, type PinnConfig } from './schema.js';

/** What one PDE was understood as. */
export interface EquationReading {
  /** key path, `pde[0]` or `pde[0].eq` */
  path: string;
  src: string;
  fields: string[];
  /** `u_xx`, `lap(u)`, `grad(u)`, `div([u, v])` as written */
  derivatives: string[];
  coordinates: string[];
  constants: string[];
  unknowns: string[];
  coefficients: string[];
  /** highest derivative order (0 without derivatives) */
  order: number;
  /** the undeclared symbol derived from the exact solution as a source term */
  source?: string;
}

type Groups = [string, readonly string[]][];

/** The names one kind of expression may use. */
interface Context {
  groups: Groups;
  /** field derivatives (u_x, lap(u)) allowed */
  derivatives: boolean;
  /** callable names: functions, and coefficients (`a(x, y)`) */
  functions: Callables;
}

/** Which names can be called; the full list only for a "did you mean" (listing mathjs' functions creates them all). */
interface Callables {
  has(name: string): boolean;
  names(): readonly string[];
}

function callables(names: readonly string[]): Callables {
  return { has: (n) => names.includes(n), names: () => names };
}

const FIELD_OPERATORS = new Set(['lap', 'laplacian', 'grad', 'div']);
const numericFunction = (name: string): boolean =>
  Object.hasOwn(NUMERIC_FUNCTIONS, name) ||
  (Object.hasOwn(math, name) && typeof (math as unknown as Record<string, unknown>)[name] === 'function');

const listed = (groups: Groups): string =>
  groups
    .filter(([, l]) => l.length)
    .map(([k, l]) => `${k} ${l.join(', ')}`)
    .join('; ');

/** First- and second-order derivative names of the fields (suggestion candidates). */
function derivativeNames(fields: readonly string[], coords: readonly string[]): string[] {
  return fields.flatMap((f) => coords.flatMap((a) => [`${f}_${a}`, ...coords.map((b) => `${f}_${a}${b}`)]));
}

function parsed(src: string, path: string): MathNode {
  try {
    return parseEquation(src, path);
  } catch (e) {
    throw new ConfigError((e as ExprError).message);
  }
}

/** Checks one expression; returns its tree and the symbols it leaves undeclared (the caller decides). */
function check(src: string, path: string, ctx: Context, scope: ExprScope): { node: MathNode; free: string[] } {
  const node = parsed(src, path);
  const use = symbolUse(node);
  const reserved = [...use.symbols, ...use.functions].find(isReservedName);
  if (reserved !== undefined)
    throw new ConfigError(
      `${path}: '${reserved}' is a reserved name, not a symbol, in '${src}'; use declared names (${listed(ctx.groups)})`,
    );
  if (use.unsupported.length)
    throw new ConfigError(
      `${path}: unsupported syntax '${use.unsupported[0]}' in '${src}'; expected arithmetic, comparisons, ?: and function calls`,
    );
  const known = new Set(ctx.groups.flatMap(([, l]) => l));
  for (const f of use.functions) {
    if (ctx.functions.has(f)) continue;
    if (known.has(f))
      throw new ConfigError(
        `${path}: '${f}' is not a function in '${src}'; write ${f} itself (fields and coordinates are evaluated at the point)`,
      );
    const hint = closest(f, ctx.functions.names());
    throw new ConfigError(`${path}: unknown function '${f}' in '${src}'${hint ? ` (did you mean '${hint}'?)` : ''}`);
  }
  const free = use.symbols.filter((s) => !known.has(s) && !(ctx.derivatives && derivativeSymbol(scope, s)));
  return { node, free };
}

function unknownSymbol(path: string, src: string, s: string, ctx: Context, scope: ExprScope, why = ''): ConfigError {
  const candidates = [...ctx.groups.flatMap(([, l]) => l), ...(ctx.derivatives ? derivativeNames(scope.fields, scope.coords) : [])];
  const hint = closest(s, candidates);
  return new ConfigError(
    `${path}: unknown symbol '${s}' in '${src}'${hint ? ` (did you mean '${hint}'?)` : ''}; declared: ${listed(ctx.groups)}${why}`,
  );
}

/** The fields, derivatives and names a PDE uses. */
function reading(path: string, src: string, node: MathNode, c: PinnConfig, scope: ExprScope, source: string | undefined): EquationReading {
  const use = symbolUse(node);
  const derivatives: string[] = [];
  let order = 0;
  node.traverse((n) => {
    if (n.type !== 'FunctionNode') return;
    const name = (n as unknown as { fn: { name: string } }).fn.name;
    if (!FIELD_OPERATORS.has(name)) return;
    const text = n.toString();
    if (!derivatives.some((d) => text.includes(d))) derivatives.push(text);
    order = Math.max(order, name === 'grad' || (name === 'div' && !text.includes('grad')) ? 1 : 2);
  });
  const fields = new Set<string>();
  for (const s of use.symbols) {
    const d = derivativeSymbol(scope, s);
    if (d && !c.fields.includes(s)) {
      derivatives.push(s);
      fields.add(d[0]);
      order = Math.max(order, d[1].length);
    }
    if (c.fields.includes(s)) fields.add(s);
  }
  for (const d of derivatives) for (const f of c.fields) if (new RegExp(`\\b${f}\\b`).test(d)) fields.add(f);
  const pick = (names: readonly string[]): string[] => use.symbols.filter((s) => names.includes(s));
  return {
    path,
    src,
    fields: c.fields.filter((f) => fields.has(f)),
    derivatives,
    coordinates: pick(scope.coords),
    constants: pick([...Object.keys(c.constants), ...BUILTIN_CONSTANT_NAMES]),
    unknowns: pick(Object.keys(c.unknowns)),
    coefficients: [...pick(Object.keys(c.coefficients)), ...use.functions.filter((f) => Object.hasOwn(c.coefficients, f))],
    order,
    ...(source ? { source } : {}),
  };
}

/**
 * Checks every expression of a PINN config symbolically (pde, condition values, `on:` selectors, exact,
 * network.output_transform); throws a ConfigError naming the key path and the symbol. Returns what each
 * PDE was understood as.
 */
export function checkPinnSymbols(c: PinnConfig): EquationReading[] {
  const coords = c.coords ?? defaultCoords(spaceDim(c), !!c.time);
  const scope: ExprScope = { coords, fields: c.fields, timeIndex: c.time ? coords.length - 1 : -1 };
  const consts: [string, readonly string[]] = ['constants', [...Object.keys(c.constants), ...BUILTIN_CONSTANT_NAMES]];
  const full: Context = {
    groups: [
      ['coordinates', coords],
      ['fields', c.fields],
      consts,
      ['unknowns', Object.keys(c.unknowns)],
      ['coefficients', Object.keys(c.coefficients)],
    ],
    derivatives: true,
    functions: callables([...EXPR_FUNCTIONS, ...Object.keys(c.coefficients)]),
  };
  const numeric: Context = {
    groups: [['coordinates', coords], consts],
    derivatives: false,
    functions: { has: numericFunction, names: () => [...Object.keys(NUMERIC_FUNCTIONS), ...Object.keys(math).filter(numericFunction)] },
  };
  const transform: Context = {
    groups: [['coordinates', coords], ['raw outputs', c.fields.map(rawOutputName)], consts],
    derivatives: false,
    functions: callables(EXPR_FUNCTIONS.filter((f) => !FIELD_OPERATORS.has(f))),
  };
  const features: Context = { ...transform, groups: [['coordinates', coords], consts] };
  const closed = (src: string | number | undefined, path: string, ctx: Context): void => {
    if (typeof src !== 'string') return;
    const { free } = check(src, path, ctx, scope);
    if (free.length) throw unknownSymbol(path, src, free[0], ctx, scope);
  };

  // exact first: a derived source needs it to be sound
  const exactFields = typeof c.exact === 'string' ? [c.fields[0]] : Object.keys(c.exact ?? {});
  if (typeof c.exact === 'string') closed(c.exact, 'exact', numeric);
  else for (const [f, e] of Object.entries(c.exact ?? {})) closed(e, `exact.${f}`, numeric);

  const readings = c.pde.map((entry, i) => {
    const [src, path] = typeof entry === 'string' ? [entry, `pde[${i}]`] : [entry.eq, `pde[${i}].eq`];
    const { node, free } = check(src, path, full, scope);
    // one undeclared symbol is the manufactured source when every field has an exact solution and it enters linearly
    const derivable = c.fields.every((f) => exactFields.includes(f));
    if (free.length === 1 && derivable && isAffineIn(node, free[0])) return reading(path, src, node, c, scope, free[0]);
    if (free.length) {
      const why = !derivable
        ? ''
        : free.length > 1
          ? `; only one undeclared symbol can be derived as a source term (also: ${free.slice(1).join(', ')})`
          : '; an undeclared symbol is derived as a source term only where it enters linearly';
      throw unknownSymbol(path, src, free[0], full, scope, why);
    }
    return reading(path, src, node, c, scope, undefined);
  });

  c.conditions.forEach((bc, i) => {
    const at = `conditions[${i}]`;
    if ('on' in bc && bc.on !== 'boundary' && !Object.hasOwn(FACES, bc.on)) closed(bc.on, `${at}.on`, numeric);
    if (bc.type === 'robin') {
      closed(bc.alpha, `${at}.alpha`, full);
      closed(bc.beta, `${at}.beta`, full);
    }
    if ('value' in bc) closed(bc.value, `${at}.value`, full);
  });
  for (const [f, e] of Object.entries(c.network.output_transform ?? {})) closed(e, `network.output_transform.${f}`, transform);
  for (const [f, e] of Object.entries(c.network.input_features ?? {})) closed(e, `network.input_features.${f}`, features);
  return readings;
}

/** One line per derived source term, printed by `run` and `validate`. */
export function derivedSourceNotes(readings: readonly EquationReading[], c: PinnConfig): string[] {
  return readings
    .filter((r) => r.source !== undefined)
    .map((r) => {
      const s = r.source as string;
      const coords = c.coords ?? defaultCoords(spaceDim(c), !!c.time);
      // a one-letter source (f, s) is a usual name, not a typo: hint only within half the name's length
      const near = closest(s, [
        ...coords,
        ...c.fields,
        ...Object.keys(c.constants),
        ...Object.keys(c.unknowns),
        ...Object.keys(c.coefficients),
      ]);
      const hint = near !== undefined && editDistance(s, near) <= Math.floor(s.length / 2) ? near : undefined;
      return `${r.path}: '${s}' is not declared; it is derived from the exact solution as the source term${hint ? ` (a typo of '${hint}'?)` : ''}`;
    });
}

/** `fluxion validate --print`: what each PDE was understood as, as YAML comments. */
export function describeReadings(readings: readonly EquationReading[]): string {
  const list = (l: readonly string[]): string => (l.length ? l.join(', ') : 'none');
  return (
    readings
      .map((r) =>
        [
          `# ${r.path}: ${r.src}`,
          `#   fields: ${list(r.fields)}; derivatives: ${list(r.derivatives)}; coordinates: ${list(r.coordinates)}`,
          `#   constants: ${list(r.constants)}; unknowns: ${list(r.unknowns)}; coefficients: ${list(r.coefficients)}`,
          `#   source term: ${r.source === undefined ? 'none' : `${r.source} (undeclared; derived from the exact solution)`}`,
        ].join('\n'),
      )
      .join('\n') + '\n'
  );
}
