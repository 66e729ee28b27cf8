/**
 * Loads the generated WebAssembly scan kernels (bytes embedded in `sha256dWasm.ts`, so no bundler
 * wasm plumbing is needed) and picks the fastest backend the engine supports:
 * WebAssembly SIMD → WebAssembly scalar → JavaScript.
 */
import { jsBackend, type KernelName, type ScanBackend } from './kernel';
import { SHA256D_SCALAR_WASM, SHA256D_SIMD_WASM } from './sha256dWasm';

/** `(module (func (result v128) i32.const 0 i32x4.splat))`: validates only where SIMD is supported. */
const SIMD_PROBE = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type: () -> v128
  0x03, 0x02, 0x01, 0x00, // one function of type 0
  0x0a, 0x08, 0x01, 0x06, 0x00, 0x41, 0x00, 0xfd, 0x11, 0x0b, // body: i32.const 0, i32x4.splat, end
]);

/** True when this engine runs WebAssembly at all (it may be disabled, e.g. by a lockdown mode). */
export function wasmSupported(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  } catch {
    return false;
  }
}

/** True when this engine supports WebAssembly 128-bit SIMD (checked by validating a tiny module). */
export function simdSupported(): boolean {
  try {
    return wasmSupported() && WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

/** The kernels this engine can run, fastest first. */
export function availableKernels(): KernelName[] {
  const out: KernelName[] = [];
  if (simdSupported()) out.push('wasm-simd');
  if (wasmSupported()) out.push('wasm-scalar');
  out.push('js');
  return out;
}

function decodeBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The embedded module bytes of a WebAssembly kernel (for tests and for anyone compiling it themselves). */
export function kernelWasmBytes(name: 'wasm-simd' | 'wasm-scalar'): Uint8Array {
  return decodeBase64(name === 'wasm-simd' ? SHA256D_SIMD_WASM : SHA256D_SCALAR_WASM);
}

const compiled = new Map<string, Promise<WebAssembly.Module>>();

/**
 * Creates a scan backend (each with its own WebAssembly memory). Asynchronous because browsers
 * refuse to compile modules over 4 KB synchronously on the main thread. Omit `name` for the best.
 */
export async function createBackend(name?: KernelName): Promise<ScanBackend> {
  const kind = name ?? availableKernels()[0]!; // 'js' at least
  if (kind === 'js') return jsBackend();
  if (!availableKernels().includes(kind)) throw new Error(`kernel ${kind} is not supported by this engine`);
  let mod = compiled.get(kind);
  if (!mod) {
    const bytes = kernelWasmBytes(kind);
    mod = WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
    compiled.set(kind, mod);
  }
  const instance = await WebAssembly.instantiate(await mod, {});
  const exports = instance.exports as { memory: WebAssembly.Memory; scan4?: ScanFn; scan1?: ScanFn };
  const io = new Int32Array(exports.memory.buffer, 0, 32);
  const fn = kind === 'wasm-simd' ? exports.scan4 : exports.scan1;
  if (!fn) throw new Error(`kernel ${kind}: scan export missing`);
  return { name: kind, lanes: kind === 'wasm-simd' ? 4 : 1, io, scan: fn };
}

type ScanFn = (start: number, count: number) => number;
