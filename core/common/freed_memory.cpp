#include "common/freed_memory.h"

#include <cstdlib> // defines __GLIBC__ on glibc

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace refermap {

void releaseFreedMemory()
{
#if defined(__GLIBC__)
    // 0: keep no padding at the heap's top; whole free pages inside the heap are released too.
    ::malloc_trim(0);
#endif
}

} // namespace refermap
