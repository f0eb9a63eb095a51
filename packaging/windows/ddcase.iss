; Inno Setup 6 script for ddcase's Windows installer: a per-user install that needs no admin
; rights (docs/install.md says what it does, for a trust's IT team).
;
; Build the one-folder app first, on Windows, then compile this script:
;     pyinstaller --noconfirm --clean packaging\ddcase.spec      (gives dist\ddcase\)
;     iscc packaging\windows\ddcase.iss                          (gives dist\installer\)
; The version is read from dist\ddcase\ddcase.exe's version resource (from ddcase.__version__),
; or given with  iscc /DAppVersion=0.1.0 ...
;
; Per user (the default): the program goes to %LOCALAPPDATA%\Programs\ddcase, the Start menu
; entry to the user's own Start menu, the uninstall entry to HKCU. No UAC prompt.
; For all users (IT, elevated):  ddcase-<version>-setup.exe /ALLUSERS  puts it in Program Files.
; Silent:  /VERYSILENT /SUPPRESSMSGBOXES /NORESTART ; uninstall keeps the user's data folder
; unless the user says so, or  unins000.exe /VERYSILENT /DeleteData=yes

#define AppName "ddcase"
#define AppExe "ddcase.exe"
#define AppPublisher "The ddcase developers"
#define BundleDir AddBackslash(SourcePath) + "..\..\dist\ddcase"

#ifndef AppVersion
  #define AppVersion GetStringFileInfo(BundleDir + "\" + AppExe, "ProductVersion")
#endif
#if AppVersion == ""
  #error Build dist\ddcase\ddcase.exe first (packaging\ddcase.spec), or pass /DAppVersion=X.Y.Z
#endif

[Setup]
; The AppId ties upgrades and the uninstaller together: never change it.
AppId={{E7D5322A-0F08-4E0D-8A2D-98F9EA1F9143}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppPublisher}
AppCopyright=Copyright (c) 2026 {#AppPublisher}. MIT licence.
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppName}
VersionInfoProductVersion={#AppVersion}
VersionInfoDescription={#AppName} {#AppVersion} installer
VersionInfoCompany={#AppPublisher}
; Per user, no admin rights: {autopf} is then %LOCALAPPDATA%\Programs and {autoprograms} the
; user's Start menu. IT may still install for all users with /ALLUSERS on the command line.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=commandline
UsedUserAreasWarning=no
DefaultDirName={autopf}\{#AppName}
DisableProgramGroupPage=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\..\dist\installer
OutputBaseFilename={#AppName}-{#AppVersion}-setup
SetupIconFile=..\..\resources\icons\ddcase.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName} {#AppVersion}
WizardStyle=modern
Compression=lzma2/max
SolidCompression=yes
; A running ddcase is asked to close before its files are replaced.
CloseApplications=yes
RestartApplications=no
SetupLogging=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the whole bundle, so no library of the old version is left behind.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
; ddcase.exe (the app, no console), ddcase-cli.exe (the command line) and _internal\.
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "Joint working case log"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "Joint working case log"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
Type: dirifempty; Name: "{app}"

[Code]
{ The user's data folder (the database, its backups, the logs): platformdirs'
  user_data_dir("ddcase", appauthor=False), which is %LOCALAPPDATA%\ddcase. Uninstalling keeps
  it unless the user answers Yes (No is the default), or /DeleteData=yes is given. }
function DataFolder: String;
begin
  Result := ExpandConstant('{localappdata}\{#AppName}');
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  Delete: Boolean;
begin
  if (CurUninstallStep <> usPostUninstall) or not DirExists(DataFolder) then
    exit;
  Delete := CompareText(ExpandConstant('{param:DeleteData|no}'), 'yes') = 0;
  if not Delete then
    Delete := SuppressibleMsgBox(
      'Do you also want to delete your ddcase data?' + #13#10 + #13#10 +
      'The folder ' + DataFolder + ' holds your case log database, its backups and the log files. ' +
      'Keep it if you will install ddcase again or still need the records. ' +
      'Deleting it cannot be undone.',
      mbConfirmation, MB_YESNO or MB_DEFBUTTON2, IDNO) = IDYES;
  if Delete and not DelTree(DataFolder, True, True, True) then
    SuppressibleMsgBox('Some files in ' + DataFolder + ' could not be deleted.', mbError, MB_OK, IDOK);
end;
