#pragma once

namespace refermap {

// Hands memory the program has freed back to the system. glibc keeps freed memory inside its heap
// for reuse, and returns it only from the heap's top; a long run that allocates and frees many
// buffers of varying sizes (tiles, tensors, stitched rows) can then hold far more than it uses: an
// 8192² query's process grew to 4.0 GiB while 140 MiB were in use, and 315 MiB after this call.
// Costs a walk over the heap (milliseconds): call it between units of work (e.g. tile rows), not per
// allocation. Does nothing where the C library offers no such call. It acts on glibc's heap only:
// in the programs that link jemalloc (CMakeLists.txt), which returns freed memory by itself, that
// heap is almost empty and the call costs next to nothing.
void releaseFreedMemory();

} // namespace refermap
