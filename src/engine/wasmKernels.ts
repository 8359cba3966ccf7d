/**
 * The WebAssembly side of the engine: one memory per large tape holding its values and gradients,
 * with the SIMD matrix kernels of wasm/kernels.ts bound to it (matrix products about 3-4x the JS
 * loops of kernels.ts on this project's machine). Where WebAssembly cannot be compiled (a page
 * whose CSP forbids it, say) `wasmMemory` returns null and the tape stays on plain arrays.
 */
import { KERNELS_WASM } from './wasmBinary';

/** The part of the WebAssembly JS API used here (the project's lib is ES2022 + node's types, without it). */
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Memory {
    constructor(descriptor: { initial: number });
    readonly buffer: ArrayBuffer;
    grow(deltaPages: number): number;
  }
  class Instance {
    constructor(module: Module, imports: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
}

export interface WasmKernels {
  matvecForward(a: number, x: number, o: number, m: number, k: number): void;
  matvecBackward(a: number, x: number, m: number, k: number, g: number, ca: number, cx: number): void;
  matmulForward(a: number, b: number, o: number, m: number, k: number, n: number): void;
  matmulBackward(a: number, b: number, m: number, k: number, n: number, g: number, ca: number, cb: number): void;
}

let compiled: WebAssembly.Module | null | undefined;

function kernelModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      const bin = atob(KERNELS_WASM);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      compiled = new WebAssembly.Module(bytes);
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/** The kernels bound to each live memory's current buffer (memory.grow replaces the buffer). */
const bound = new WeakMap<ArrayBufferLike, WasmKernels>();

export const PAGE_BYTES = 65536;

export interface WasmMemory {
  memory: WebAssembly.Memory;
  kernels: WasmKernels;
}

/** A memory of `pages` 64 KiB pages with the kernels bound to it, or null without WebAssembly. */
export function wasmMemory(pages: number): WasmMemory | null {
  const mod = kernelModule();
  if (!mod) return null;
  try {
    const memory = new WebAssembly.Memory({ initial: pages });
    const kernels = new WebAssembly.Instance(mod, { env: { memory } }).exports as unknown as WasmKernels;
    bound.set(memory.buffer, kernels);
    return { memory, kernels };
  } catch {
    return null; // e.g. no address space left for another memory: plain arrays still work
  }
}

/** Grows the memory to `pages` and binds the kernels to its new buffer. */
export function growWasmMemory(w: WasmMemory, pages: number): void {
  const old = w.memory.buffer, have = old.byteLength / PAGE_BYTES;
  if (pages > have) w.memory.grow(pages - have);
  if (w.memory.buffer !== old) bound.delete(old); // a view kept from before finds no kernels
  bound.set(w.memory.buffer, w.kernels);
}

/** The kernels that run on `buffer` in place, if it is the buffer of such a memory. */
export function kernelsOn(buffer: ArrayBufferLike): WasmKernels | undefined {
  return bound.get(buffer);
}
