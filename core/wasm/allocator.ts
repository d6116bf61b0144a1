// First-fit free-list allocator over a WebAssembly.Memory. Blocks are 64-byte aligned (cache lines,
// and v128 alignment for the kernels); freed neighbours are coalesced, and a freed block at the top
// of the heap lowers the bump pointer. The memory grows on demand.

const PAGE = 65536;
export const ALIGN = 64;

interface FreeBlock {
  ptr: number;
  size: number;
}

export class WasmHeap {
  private top: number;
  private readonly freeList: FreeBlock[] = []; // sorted by address
  private readonly sizes = new Map<number, number>();
  private liveBytes = 0;

  /** `base` is the first usable byte; address 0 stays unused so 0 can mean "no pointer". */
  constructor(
    readonly memory: WebAssembly.Memory,
    base = ALIGN,
  ) {
    if (!Number.isInteger(base) || base <= 0) throw new Error(`WasmHeap: base must be a positive integer, got ${base}`);
    this.top = alignUp(base);
  }

  /** Allocates `bytes` (> 0) and returns a 64-byte aligned byte offset into the memory. */
  alloc(bytes: number): number {
    if (!Number.isInteger(bytes) || bytes < 0) throw new Error(`alloc: bytes must be a non-negative integer, got ${bytes}`);
    const size = alignUp(Math.max(bytes, 1));
    for (let i = 0; i < this.freeList.length; i++) {
      const blk = this.freeList[i];
      if (blk.size < size) continue;
      const ptr = blk.ptr;
      if (blk.size === size) this.freeList.splice(i, 1);
      else {
        blk.ptr += size;
        blk.size -= size;
      }
      return this.track(ptr, size);
    }
    const ptr = this.top;
    this.ensureCapacity(ptr + size);
    this.top = ptr + size;
    return this.track(ptr, size);
  }

  /** Frees a pointer returned by alloc; freeing anything else throws. */
  free(ptr: number): void {
    const size = this.sizes.get(ptr);
    if (size === undefined) throw new Error(`free: ${ptr} is not a live allocation of this heap`);
    this.sizes.delete(ptr);
    this.liveBytes -= size;
    let i = 0;
    while (i < this.freeList.length && this.freeList[i].ptr < ptr) i++;
    this.freeList.splice(i, 0, { ptr, size });
    // Coalesce with the next, then the previous block.
    const cur = this.freeList[i];
    const next = this.freeList[i + 1];
    if (next && cur.ptr + cur.size === next.ptr) {
      cur.size += next.size;
      this.freeList.splice(i + 1, 1);
    }
    const prev = this.freeList[i - 1];
    if (prev && prev.ptr + prev.size === cur.ptr) {
      prev.size += cur.size;
      this.freeList.splice(i, 1);
      i--;
    }
    const last = this.freeList[this.freeList.length - 1];
    if (last && last.ptr + last.size === this.top) {
      this.top = last.ptr;
      this.freeList.pop();
    }
  }

  /** Size in bytes reserved for a live pointer (rounded up to the alignment). */
  sizeOf(ptr: number): number {
    const size = this.sizes.get(ptr);
    if (size === undefined) throw new Error(`sizeOf: ${ptr} is not a live allocation of this heap`);
    return size;
  }

  get stats(): { liveBytes: number; liveBlocks: number; freeBlocks: number; top: number; capacity: number } {
    return {
      liveBytes: this.liveBytes,
      liveBlocks: this.sizes.size,
      freeBlocks: this.freeList.length,
      top: this.top,
      capacity: this.memory.buffer.byteLength,
    };
  }

  private track(ptr: number, size: number): number {
    this.sizes.set(ptr, size);
    this.liveBytes += size;
    return ptr;
  }

  private ensureCapacity(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    // Grow at least geometrically so repeated small allocations do not grow page by page.
    const needPages = Math.ceil((end - have) / PAGE);
    const pages = Math.max(needPages, Math.ceil(have / PAGE / 2));
    try {
      this.memory.grow(pages);
    } catch {
      try {
        this.memory.grow(needPages);
      } catch (e) {
        throw new Error(`alloc: cannot grow wasm memory to ${end} bytes (${(e as Error).message})`);
      }
    }
  }
}

function alignUp(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}
