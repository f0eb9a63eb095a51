; NSIS 3 script for ddcase's Windows installer: a 64-bit, per-user install that needs no admin
; rights (docs/install.md says what it does, for a trust's IT team). It replaces the Inno Setup
; script of 0.1.0 and finds an install made by that one (same uninstall key).
;
; Build the one-folder app first (packaging/ddcase.spec gives dist\ddcase\), then, on Windows or
; Linux (Debian's nsis package):
;     makensis -DVERSION=0.1.0 packaging/windows/ddcase.nsi      (gives dist/installer/)
; Optional: -DBUNDLE_DIR=<folder to install> -DOUT_DIR=<where the setup.exe goes>.
; scripts/windows_installer_check.sh builds it and installs, checks and removes it under Wine.
;
; Switches (for IT; docs/install.md):
;   setup.exe /S                  silent, per user: %LOCALAPPDATA%\Programs\ddcase, no UAC prompt
;   setup.exe /S /ALLUSERS        silent, for all users (run elevated): %ProgramFiles%\ddcase
;   setup.exe /S /D=C:\Path\ddcase  another folder (/D must come last, no quotes)
;   uninstall.exe /S              silent uninstall; keeps the user's data folder
;   uninstall.exe /S /PURGE       ... and deletes %LOCALAPPDATA%\ddcase (the case log) too

Unicode true
Target amd64-unicode
ManifestSupportedOS all
ManifestDPIAware true
RequestExecutionLevel user
SetCompressor /SOLID lzma

!include "FileFunc.nsh"
!include "LogicLib.nsh"
!include "x64.nsh"

!define APPNAME "ddcase"
!define PUBLISHER "The ddcase developers"
; The key of the Inno Setup installer's AppId {E7D5322A-...}: never change it, so that upgrades
; (from either installer) and Settings > Apps find the one entry.
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\{E7D5322A-0F08-4E0D-8A2D-98F9EA1F9143}_is1"

!ifndef VERSION
  !error "Give the version: makensis -DVERSION=X.Y.Z packaging/windows/ddcase.nsi"
!endif
!ifndef BUNDLE_DIR
  !define BUNDLE_DIR "..\..\dist\ddcase"
!endif
!ifndef OUT_DIR
  !define OUT_DIR "..\..\dist\installer"
!endif

Name "${APPNAME} ${VERSION}"
Caption "${APPNAME} ${VERSION} setup"
OutFile "${OUT_DIR}\${APPNAME}-${VERSION}-setup.exe"
Icon "..\..\resources\icons\ddcase.ico"
UninstallIcon "..\..\resources\icons\ddcase.ico"
InstallDir "$LOCALAPPDATA\Programs\${APPNAME}"
ShowInstDetails show
ShowUninstDetails show
BrandingText "${APPNAME} ${VERSION}"

VIProductVersion "${VERSION}.0"
VIFileVersion "${VERSION}.0"
VIAddVersionKey "ProductName" "${APPNAME}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "FileDescription" "${APPNAME} ${VERSION} installer"
VIAddVersionKey "CompanyName" "${PUBLISHER}"
VIAddVersionKey "LegalCopyright" "Copyright (c) 2026 ${PUBLISHER}. MIT licence."

Page directory
Page instfiles
UninstPage uninstConfirm
UninstPage instfiles

!define PURGE_QUESTION "Do you also want to delete your ddcase data?$\r$\n$\r$\nThe folder $LOCALAPPDATA\${APPNAME} holds your case log database, its backups and the log files. Keep it if you will install ddcase again or still need the records. Deleting it cannot be undone."

Var AllUsers

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_OK|MB_ICONSTOP "${APPNAME} needs 64-bit Windows 10 or 11." /SD IDOK
    Abort
  ${EndIf}
  SetRegView 64
  StrCpy $AllUsers 0
  ; /D=folder (set before .onInit) wins over the default and over an earlier install's folder.
  StrCpy $3 0
  ${If} $INSTDIR != "$LOCALAPPDATA\Programs\${APPNAME}"
    StrCpy $3 1
  ${EndIf}
  ${GetParameters} $0
  ClearErrors
  ${GetOptions} $0 "/ALLUSERS" $1
  ${IfNot} ${Errors}
    StrCpy $AllUsers 1
    SetShellVarContext all
    ${If} $3 == 0
      StrCpy $INSTDIR "$PROGRAMFILES64\${APPNAME}"
    ${EndIf}
  ${Else}
    SetShellVarContext current
  ${EndIf}
  ; Upgrade in place: an earlier install (this installer's or Inno Setup's) is found by its key.
  ReadRegStr $1 SHCTX "${UNINST_KEY}" "InstallLocation"
  ${If} $1 != ""
  ${AndIf} $3 == 0
    ; Inno Setup wrote the folder with a trailing backslash.
    StrCpy $2 $1 1 -1
    ${If} $2 == "\"
      StrCpy $1 $1 -1
    ${EndIf}
    StrCpy $INSTDIR $1
  ${EndIf}
FunctionEnd

Section "ddcase" SecMain
  SectionIn RO
  SetOutPath "$INSTDIR"
  ; A running ddcase holds its .exe: it cannot be replaced (nor deleted) until it is closed.
  ${If} ${FileExists} "$INSTDIR\${APPNAME}.exe"
    retry:
    ClearErrors
    Delete "$INSTDIR\${APPNAME}.exe"
    ${If} ${Errors}
      MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION \
        "${APPNAME} is running. Close it (and any ddcase-cli window), then choose Retry." \
        /SD IDCANCEL IDRETRY retry
      DetailPrint "${APPNAME} is running: nothing was changed."
      SetErrorLevel 2
      Quit
    ${EndIf}
  ${EndIf}
  ; An upgrade replaces the whole bundle, so no library of the old version is left behind; the
  ; Inno Setup uninstaller of an earlier install is replaced by this one.
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\unins000.exe"
  Delete "$INSTDIR\unins000.dat"
  File /r "${BUNDLE_DIR}\*.*"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateShortcut "$SMPROGRAMS\${APPNAME}.lnk" "$INSTDIR\${APPNAME}.exe" "" \
    "$INSTDIR\${APPNAME}.exe" 0 SW_SHOWNORMAL "" "Joint working case log"

  ; Settings > Apps. The old key's values (Inno Setup's) go first, so none is left stale.
  DeleteRegKey SHCTX "${UNINST_KEY}"
  WriteRegStr SHCTX "${UNINST_KEY}" "DisplayName" "${APPNAME} ${VERSION}"
  WriteRegStr SHCTX "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr SHCTX "${UNINST_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr SHCTX "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${APPNAME}.exe"
  WriteRegStr SHCTX "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr SHCTX "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr SHCTX "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD SHCTX "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD SHCTX "${UNINST_KEY}" "NoRepair" 1
  WriteRegDWORD SHCTX "${UNINST_KEY}" "AllUsers" $AllUsers
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD SHCTX "${UNINST_KEY}" "EstimatedSize" "$0"
SectionEnd

Function un.onInit
  SetRegView 64
  ; An all-users install is the one whose HKLM entry names this folder.
  SetShellVarContext all
  ReadRegStr $0 SHCTX "${UNINST_KEY}" "InstallLocation"
  ${If} $0 != $INSTDIR
    SetShellVarContext current
  ${EndIf}
FunctionEnd

Section "Uninstall"
  ; Only what the installer put there: never the whole folder (it may have been chosen with /D).
  Delete "$INSTDIR\${APPNAME}.exe"
  Delete "$INSTDIR\${APPNAME}-cli.exe"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${APPNAME}.lnk"
  DeleteRegKey SHCTX "${UNINST_KEY}"

  ; The user's data (platformdirs' user_data_dir("ddcase", appauthor=False): the case log, its
  ; backups and the log files) stays unless /PURGE is given or the user says Yes (No is the
  ; default, and what a silent uninstall does).
  SetShellVarContext current
  ${IfNot} ${FileExists} "$LOCALAPPDATA\${APPNAME}\*.*"
    Return
  ${EndIf}
  ${GetParameters} $0
  ClearErrors
  ${GetOptions} $0 "/PURGE" $1
  ${If} ${Errors}
    MessageBox MB_YESNO|MB_ICONQUESTION|MB_DEFBUTTON2 "${PURGE_QUESTION}" /SD IDNO IDYES purge
    DetailPrint "Kept your data in $LOCALAPPDATA\${APPNAME}"
    Return
  ${EndIf}
  purge:
  RMDir /r "$LOCALAPPDATA\${APPNAME}"
  ${If} ${FileExists} "$LOCALAPPDATA\${APPNAME}\*.*"
    MessageBox MB_OK|MB_ICONEXCLAMATION \
      "Some files in $LOCALAPPDATA\${APPNAME} could not be deleted." /SD IDOK
  ${EndIf}
SectionEnd
