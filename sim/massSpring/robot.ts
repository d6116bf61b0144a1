/** Mass-spring object description and the DiffTaichi-style default robot. */
export interface MassSpringModel {
  /** Initial particle positions, 2 per particle (x, y). */
  positions: Float64Array;
  springs: {
    a: Int32Array;
    b: Int32Array;
    restLength: Float64Array;
    stiffness: Float64Array;
    /** Dashpot coefficient along the spring. */
    damping: Float64Array;
    /** Relative rest-length actuation amplitude (0 = passive spring). */
    actuation: Float64Array;
  };
}

export interface SpringSpec {
  a: number;
  b: number;
  stiffness: number;
  actuation?: number;
  damping?: number;
  /** Defaults to the initial distance between the endpoints. */
  restLength?: number;
}

export function buildMassSpring(points: ReadonlyArray<readonly [number, number]>, springs: ReadonlyArray<SpringSpec>): MassSpringModel {
  const n = points.length;
  if (n === 0) throw new Error('buildMassSpring: points must be non-empty');
  const positions = new Float64Array(2 * n);
  points.forEach((p, i) => {
    positions[2 * i] = p[0];
    positions[2 * i + 1] = p[1];
  });
  const m = springs.length;
  const model: MassSpringModel = {
    positions,
    springs: {
      a: new Int32Array(m),
      b: new Int32Array(m),
      restLength: new Float64Array(m),
      stiffness: new Float64Array(m),
      damping: new Float64Array(m),
      actuation: new Float64Array(m),
    },
  };
  springs.forEach((s, k) => {
    for (const [name, idx] of [
      ['a', s.a],
      ['b', s.b],
    ] as const) {
      if (!Number.isInteger(idx) || idx < 0 || idx >= n) {
        throw new Error(`buildMassSpring: springs[${k}].${name} = ${idx} is not a particle index in [0, ${n})`);
      }
    }
    if (s.a === s.b) throw new Error(`buildMassSpring: springs[${k}] connects particle ${s.a} to itself`);
    if (!(s.stiffness >= 0)) throw new Error(`buildMassSpring: springs[${k}].stiffness must be >= 0, got ${s.stiffness}`);
    const dx = points[s.a][0] - points[s.b][0];
    const dy = points[s.a][1] - points[s.b][1];
    model.springs.a[k] = s.a;
    model.springs.b[k] = s.b;
    model.springs.restLength[k] = s.restLength ?? Math.hypot(dx, dy);
    model.springs.stiffness[k] = s.stiffness;
    model.springs.damping[k] = s.damping ?? 0;
    model.springs.actuation[k] = s.actuation ?? 0;
  });
  return model;
}

/**
 * The six-particle walker of DiffTaichi's robot_config (robot 0): a box with a raised middle
 * foot, stiffness 1.4e4, actuated legs and diagonals.
 */
export function defaultRobot(): MassSpringModel {
  const pts: [number, number][] = [
    [0.2, 0.1],
    [0.3, 0.13],
    [0.4, 0.1],
    [0.2, 0.2],
    [0.3, 0.2],
    [0.4, 0.2],
  ];
  const s = 14000;
  const act = 0.15;
  const link = (a: number, b: number, actuation = 0): SpringSpec => ({ a, b, stiffness: s, actuation });
  return buildMassSpring(pts, [
    link(0, 1, act),
    link(1, 2, act),
    link(3, 4),
    link(4, 5),
    link(0, 3, act),
    link(2, 5, act),
    link(0, 4, act),
    link(1, 4, act),
    link(2, 4, act),
    link(3, 1, act),
    link(5, 1, act),
  ]);
}

/** Spring endpoint pairs flattened (a0, b0, a1, b1, ...) for frame output. */
export function springPairs(model: MassSpringModel): Int32Array {
  const m = model.springs.a.length;
  const out = new Int32Array(2 * m);
  for (let k = 0; k < m; k++) {
    out[2 * k] = model.springs.a[k];
    out[2 * k + 1] = model.springs.b[k];
  }
  return out;
}
