// Builds a meshes/ Geometry from the config's CSG tree (and the time interval, when given).
import {
  interval, rectangle, box, hypercube, disk, sphere, hypersphere, polygon, union, intersection, difference, timeDomain, timeInterval,
  type Geometry,
} from '../meshes/index.js';
import type { GeometryNode } from './schema.js';
import { ConfigError } from './errors.js';

export function buildGeometry(g: GeometryNode, path = 'geometry'): Geometry {
  try {
    switch (g.type) {
      case 'interval': return interval(g.min, g.max);
      case 'rectangle': return rectangle(g.min, g.max);
      case 'box': return box(g.min, g.max);
      case 'hypercube': return hypercube(g.min, g.max);
      case 'disk': return disk(g.center, g.radius);
      case 'sphere': return sphere(g.center, g.radius);
      case 'hypersphere': return hypersphere(g.center, g.radius);
      case 'polygon': return polygon(g.vertices);
      default: {
        const op = { union, intersection, difference }[g.type];
        // difference(a, b, c) = a - b - c; union/intersection fold left.
        return g.of.slice(1).reduce<Geometry>((acc, child, i) => op(acc, buildGeometry(child, `${path}.of[${i + 1}]`)), buildGeometry(g.of[0], `${path}.of[0]`));
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
