// Stand-in for every `node:*` module in the browser bundle of the demo (build.mjs maps them here).
// core/ reaches Node built-ins only to find, load and thread the wasm kernels and to name user call
// sites in errors; in the tab existsSync() says "no kernels", so the wasm backend is never
// registered and the core runs on the js (or gpu) backend. Each export answers "nothing here".
export const existsSync = (_path: string): boolean => false;
export const realpathSync = (path: string): string => path;
export function readFileSync(path: string): never {
  throw new Error(`readFileSync('${path}'): there is no file system in the browser`);
}
export const fileURLToPath = (_url: string | URL): string => '';
export const availableParallelism = (): number => 1;
export const setFlagsFromString = (_flags: string): void => undefined;
export class Worker {
  constructor() {
    throw new Error('node:worker_threads Worker: not available in the browser');
  }
}
export class MessageChannel {
  constructor() {
    throw new Error('node:worker_threads MessageChannel: not available in the browser');
  }
}

// node:path, as errors.ts uses it (default import): only ever given the '' from fileURLToPath above.
const sep = '/';
const join = (...parts: string[]): string => parts.filter(Boolean).join(sep);
const path = {
  sep,
  join,
  resolve: join,
  dirname: (p: string): string => p.slice(0, Math.max(0, p.lastIndexOf(sep))),
  relative: (_from: string, to: string): string => to,
  basename: (p: string): string => p.slice(p.lastIndexOf(sep) + 1),
  // stack frames in a tab are http(s) URLs, never absolute file paths
  isAbsolute: (_p: string): boolean => false,
};
export { sep, join };
export default path;
