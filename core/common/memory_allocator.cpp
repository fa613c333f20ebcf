#include "common/memory_allocator.h"

#include <cstddef>
#include <cstdlib> // defines __GLIBC__ on glibc

#if defined(__linux__)
#include <dlfcn.h>
#endif
#if defined(__GLIBC__)
#include <gnu/libc-version.h>
#endif

namespace refermap {

std::string memoryAllocatorName()
{
#if defined(__linux__)
    using Mallctl = int (*)(const char*, void*, std::size_t*, void*, std::size_t);
    if (auto mallctl = reinterpret_cast<Mallctl>(::dlsym(RTLD_DEFAULT, "mallctl"))) {
        const char* version = nullptr;
        std::size_t size = sizeof(version);
        if (mallctl("version", &version, &size, nullptr, 0) == 0 && version)
            return std::string("jemalloc ") + version;
        return "jemalloc";
    }
#endif
#if defined(__GLIBC__)
    return std::string("glibc ") + gnu_get_libc_version();
#else
    return "the C library's";
#endif
}

} // namespace refermap
