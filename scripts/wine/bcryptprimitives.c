// ProcessPrng for Wine 8.0 (Debian 12), whose prefix has no bcryptprimitives.dll. Windows 10 and 11
// have it, and Rust's standard library draws its random numbers from it; Wine 9 has it too.
// scripts/test_windows.sh builds this with mingw-w64 into the test's own Wine prefix only: it is
// never packaged. It fills the buffer from RtlGenRandom (advapi32's SystemFunction036).
#include <windows.h>
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);
BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG chunk = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk)) return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
