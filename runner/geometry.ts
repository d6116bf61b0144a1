// Builds a meshes/ Geometry from the config's CSG tree (and the time interval, when given).
import {
  interval,
  rectangle,
  box,
  hypercube,
  disk,
  sphere,
  hypersphere,
  polygon,
  union,
  intersection,
  difference,
  timeDomain,
  timeInterval,
  type Geometry,
} from '../meshes/index.js';
import type { GeometryNode } from './schema.js';
import { ConfigError } from './errors.js';

/** Candidates of the bounding box tried before a CSG or polygon region is called empty. */
const EMPTY_PROBES = 1 << 16;

/** Throws naming `path` when none of a bounded set of bounding-box points lies inside (rejection sampling would hang). */
function checkNonEmpty(geo: Geometry, path: string): void {
  const d = geo.dim;
  const data = new Float64Array(EMPTY_PROBES * d);
  // a regular-ish lattice via the golden-ratio (Kronecker) sequence: deterministic, no sampler state
  for (let i = 0; i < EMPTY_PROBES; i++) {
    for (let k = 0; k < d; k++) {
      const frac = ((i + 0.5) * (Math.SQRT2 + k * 0.618033988749895 + k * k * 0.1)) % 1;
      data[i * d + k] = geo.bbox.min[k] + frac * (geo.bbox.max[k] - geo.bbox.min[k]);
    }
  }
  if (!geo.inside({ data, dim: d }).includes(1)) {
    throw new ConfigError(
      `${path}: the region is empty (none of ${EMPTY_PROBES} points of its bounding box lies inside); a difference or intersection removes everything?`,
    );
  }
}

/** The geometry of a config's CSG tree; an empty CSG or polygon region is a ConfigError naming `path`. */
export function buildGeometry(g: GeometryNode, path = 'geometry'): Geometry {
  const geo = buildNode(g, path);
  if (g.type === 'union' || g.type === 'intersection' || g.type === 'difference' || g.type === 'polygon') checkNonEmpty(geo, path);
  return geo;
}

function buildNode(g: GeometryNode, path: string): Geometry {
  try {
    switch (g.type) {
      case 'interval':
        return interval(g.min, g.max);
      case 'rectangle':
        return rectangle(g.min, g.max);
      case 'box':
        return box(g.min, g.max);
      case 'hypercube':
        return hypercube(g.min, g.max);
      case 'disk':
        return disk(g.center, g.radius);
      case 'sphere':
        return sphere(g.center, g.radius);
      case 'hypersphere':
        return hypersphere(g.center, g.radius);
      case 'polygon':
        return polygon(g.vertices);
      default: {
        const op = { union, intersection, difference }[g.type];
        // difference(a, b, c) = a - b - c; union/intersection fold left.
        return g.of
          .slice(1)
          .reduce<Geometry>((acc, child, i) => op(acc, buildNode(child, `${path}.of[${i + 1}]`)), buildNode(g.of[0], `${path}.of[0]`));
      }
    }
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(`${path}: ${(e as Error).message}`);
  }
}

/** Space geometry, or the space-time product when `time` is given, or the time interval alone (an ODE). */
export function buildDomain(g: GeometryNode | undefined, time?: readonly [number, number]): Geometry {
  if (!g) {
    if (!time) throw new ConfigError('geometry: expected a geometry (or `time: [t0, t1]` alone for an ODE)');
    return timeInterval(time[0], time[1]);
  }
  const space = buildGeometry(g);
  return time ? timeDomain(space, time[0], time[1]) : space;
}
