/* A stand-in for ddcase.exe and ddcase-cli.exe, used only by scripts/windows_installer_check.sh
   to try the installer itself (files, shortcut, uninstall entry) under Wine without building the
   whole bundle: it prints the version it was built with, as `ddcase-cli.exe --version` does. */
#include <stdio.h>

#ifndef DDCASE_VERSION
#define DDCASE_VERSION "0.0.0"
#endif

int main(void) {
    printf("ddcase %s (installer check stand-in)\n", DDCASE_VERSION);
    return 0;
}
