/* A stand-in for Windows' own icuuc.dll, for running Qt6Core.dll under Wine 8.0 only
   (scripts/windows_check.sh): Windows 10 1903 and later ship icuuc.dll, Wine 8.0 does not, and
   Qt6Core imports the 20 ucnv_* functions below from it. ucnv_open always fails, so Qt falls back
   to its own built-in codecs (UTF-8, UTF-16, Latin-1, which are all ddcase uses); nothing else is
   ever called. Never shipped in the installer. */
#include <stddef.h>

#define EXPORT __declspec(dllexport)
#define U_FILE_ACCESS_ERROR 4

EXPORT void *ucnv_open(const char *name, int *status) {
    (void)name;
    if (status != NULL && *status <= 0) *status = U_FILE_ACCESS_ERROR;
    return NULL;
}

#define NOTHING(fn) EXPORT int fn(void) { return 0; }
NOTHING(ucnv_close)
NOTHING(UCNV_FROM_U_CALLBACK_SUBSTITUTE)
NOTHING(UCNV_TO_U_CALLBACK_SUBSTITUTE)
NOTHING(ucnv_reset)
NOTHING(ucnv_getMaxCharSize)
NOTHING(ucnv_getName)
NOTHING(ucnv_getToUCallBack)
NOTHING(ucnv_getFromUCallBack)
NOTHING(ucnv_setToUCallBack)
NOTHING(ucnv_setFromUCallBack)
NOTHING(ucnv_cbToUWriteUChars)
NOTHING(ucnv_toUnicode)
NOTHING(ucnv_cbFromUWriteUChars)
NOTHING(ucnv_toUCountPending)
NOTHING(ucnv_fromUCountPending)
NOTHING(ucnv_getStandardName)
NOTHING(ucnv_getAvailableName)
NOTHING(ucnv_countAvailable)
NOTHING(ucnv_fromUnicode)
