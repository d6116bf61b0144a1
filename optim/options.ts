// Runtime validation of optimizer options coming from configs (untyped YAML/JSON). Every error
// names the full option path, e.g. `optimizer.betas: expected two numbers in [0,1), got [0.9]`.

export type Options = Record<string, unknown>;

export interface NumberRule {
  min?: number;
  max?: number;
  /** Lower bound excluded (e.g. lr > 0). */
  minExclusive?: boolean;
  /** Upper bound excluded (e.g. beta < 1). */
  maxExclusive?: boolean;
  integer?: boolean;
}

function show(v: unknown): string {
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'number') return String(v); // JSON would print NaN and Infinity as null
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

export function optionError(path: string, expected: string, got: unknown): Error {
  return new Error(`${path}: expected ${expected}, got ${show(got)}`);
}

function describe(rule: NumberRule): string {
  const kind = rule.integer ? 'an integer' : 'a number';
  if (rule.min === undefined && rule.max === undefined) return `a finite ${kind.slice(kind.indexOf(' ') + 1)}`;
  const lo = rule.min === undefined ? '(-inf' : `${rule.minExclusive ? '(' : '['}${rule.min}`;
  const hi = rule.max === undefined ? 'inf)' : `${rule.max}${rule.maxExclusive ? ')' : ']'}`;
  return `${kind} in ${lo},${hi}`;
}

export function checkNumber(v: unknown, path: string, rule: NumberRule = {}): number {
  const ok =
    typeof v === 'number' &&
    Number.isFinite(v) &&
    (!rule.integer || Number.isInteger(v)) &&
    (rule.min === undefined || (rule.minExclusive ? v > rule.min : v >= rule.min)) &&
    (rule.max === undefined || (rule.maxExclusive ? v < rule.max : v <= rule.max));
  if (!ok) throw optionError(path, describe(rule), v);
  return v as number;
}

/** Reads and validates one options object; `done()` rejects keys nobody asked for (typos). */
export class OptionReader {
  private readonly seen = new Set<string>();
  constructor(
    private readonly opts: Options,
    readonly path: string,
  ) {
    if (opts === null || typeof opts !== 'object' || Array.isArray(opts)) {
      throw optionError(path, 'an options object', opts);
    }
  }

  private take(key: string): unknown {
    this.seen.add(key);
    return this.opts[key];
  }

  sub(key: string): string {
    return `${this.path}.${key}`;
  }

  has(key: string): boolean {
    return this.opts[key] !== undefined;
  }

  /** Without a fallback the option is required. */
  number(key: string, fallback: number | undefined, rule: NumberRule = {}): number {
    const v = this.take(key);
    return v === undefined && fallback !== undefined ? fallback : checkNumber(v, this.sub(key), rule);
  }

  boolean(key: string, fallback: boolean): boolean {
    const v = this.take(key);
    if (v === undefined) return fallback;
    if (typeof v !== 'boolean') throw optionError(this.sub(key), 'true or false', v);
    return v;
  }

  betas(key: string, fallback: [number, number]): [number, number] {
    const v = this.take(key);
    if (v === undefined) return fallback;
    const ok = Array.isArray(v) && v.length === 2 && v.every((b) => typeof b === 'number' && Number.isFinite(b) && b >= 0 && b < 1);
    if (!ok) throw optionError(this.sub(key), 'two numbers in [0,1)', v);
    return [v[0] as number, v[1] as number];
  }

  /** Optional list of finite numbers (e.g. fixed loss weights). */
  numbers(key: string, rule: NumberRule = {}): number[] | undefined {
    const v = this.take(key);
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) throw optionError(this.sub(key), 'an array of numbers', v);
    return v.map((x, i) => checkNumber(x, `${this.sub(key)}[${i}]`, rule));
  }

  /** Required string out of a fixed set. */
  oneOf<T extends string>(key: string, choices: readonly T[], fallback?: T): T {
    const v = this.take(key);
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'string' || !(choices as readonly string[]).includes(v)) {
      throw optionError(this.sub(key), `one of ${choices.map((c) => `'${c}'`).join(', ')}`, v);
    }
    return v as T;
  }

  raw(key: string): unknown {
    return this.take(key);
  }

  done(): void {
    for (const key of Object.keys(this.opts)) {
      if (!this.seen.has(key) && this.opts[key] !== undefined) {
        const known = [...this.seen].sort().join(', ');
        throw new Error(`${this.sub(key)}: unknown option (expected one of ${known})`);
      }
    }
  }
}
