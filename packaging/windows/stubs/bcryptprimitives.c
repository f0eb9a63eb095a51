/* A stand-in for Windows' bcryptprimitives.dll, for running pydantic-core under Wine 8.0 only
   (scripts/windows_check.sh): Rust's standard library (1.78 and later) takes its random numbers
   from ProcessPrng, which Windows 10 and 11 have and Wine 8.0 lacks. This one asks the system's
   own generator (RtlGenRandom, advapi32's SystemFunction036). Never shipped in the installer. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk)) return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
