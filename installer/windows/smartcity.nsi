; SmartCity Desktop: the Windows setup program (NSIS 3, Modern UI 2).
;
; A per-user install: no administrator rights, the program in %LOCALAPPDATA%\Programs\SmartCity,
; the registry entries under HKEY_CURRENT_USER only. The data folder (%LOCALAPPDATA%\SmartCityDesktop,
; see smartcity_desktop/storage/paths.py) is never touched by an install or an upgrade; the app
; migrates it, with a backup first, when a newer version starts.
;
; Build with installer/windows/build_setup.py, which passes:
;   VERSION    the app's version (smartcity_desktop.__version__), e.g. 0.1.0
;   VIVERSION  the same as four numbers for the file's version resource, e.g. 0.1.0.0
;   APPDIR     the PyInstaller one-folder build (dist/SmartCityDesktop)
;   OUTFILE    the setup program to write
; installer/windows/check_payload.py then compares what the setup program carries with APPDIR.

Unicode true
ManifestDPIAware true
RequestExecutionLevel user
!ifdef FAST
  ; A check build (the payload listed, never shipped): minutes of LZMA buy nothing there.
  SetCompressor zlib
!else
  SetCompressor /SOLID lzma
  SetCompressorDictSize 32
!endif

!macro REQUIRE_DEFINE name
  !ifndef ${name}
    !error "${name} is not defined: build with installer/windows/build_setup.py"
  !endif
!macroend
!insertmacro REQUIRE_DEFINE VERSION
!insertmacro REQUIRE_DEFINE VIVERSION
!insertmacro REQUIRE_DEFINE APPDIR
!insertmacro REQUIRE_DEFINE OUTFILE

!define APPNAME "SmartCity Desktop"
; Registry key names; also the data folder's name (APP_DIR_NAME in storage/paths.py).
!define APPKEY "SmartCityDesktop"
!define PUBLISHER "SmartCity Desktop team"
!define GUI_EXE "smartcity-desktop.exe"
!define CLI_EXE "smartcity.exe"
; Opens a console with smartcity.exe on its PATH ("SmartCity (baris perintah)").
!define PROMPT_CMD "smartcity-prompt.cmd"
!define UNINSTALLER "uninstall.exe"
; Bundles and their split parts (name.part01-of-03.scb) share one extension: BUNDLE_SUFFIX in
; smartcity_desktop/bundles/format.py and part_name in bundles/parts.py.
!define BUNDLE_EXT ".scb"
!define PROGID "SmartCityDesktop.Bundle"
!define PORTABLE_MARKER "portable.txt"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APPKEY}"
!define SETTINGS_KEY "Software\${APPKEY}"
; Qt 6 needs Windows 10 1809 (build 17763) or later, 64-bit.
!define MIN_BUILD 17763
!define ICON "${__FILEDIR__}\..\..\resources\icons\app\smartcity.ico"

Name "${APPNAME}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\SmartCity"
InstallDirRegKey HKCU "${SETTINGS_KEY}" "InstallDir"
BrandingText "${APPNAME} ${VERSION}"
ShowInstDetails hide
ShowUninstDetails hide

VIProductVersion "${VIVERSION}"
VIFileVersion "${VIVERSION}"
VIAddVersionKey /LANG=0 "ProductName" "${APPNAME}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileDescription" "${APPNAME} ${VERSION} Setup"
VIAddVersionKey /LANG=0 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=0 "LegalCopyright" "MIT License"

!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "WinVer.nsh"
!include "x64.nsh"
!include "FileFunc.nsh"
!include "Integration.nsh"

; --- pages ----------------------------------------------------------------------------------
!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_COMPONENTSPAGE_SMALLDESC
; The language chosen at install is remembered for the uninstaller.
!define MUI_LANGDLL_REGISTRY_ROOT HKCU
!define MUI_LANGDLL_REGISTRY_KEY "${SETTINGS_KEY}"
!define MUI_LANGDLL_REGISTRY_VALUENAME "InstallerLanguage"
!define MUI_LANGDLL_WINDOWTITLE "${APPNAME}"
!define MUI_LANGDLL_INFO "Pilih bahasa / Choose a language:"

!define MUI_WELCOMEPAGE_TITLE_3LINES
!define MUI_WELCOMEPAGE_TEXT "$(WelcomeText)"
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_TITLE_3LINES
!define MUI_FINISHPAGE_RUN "$INSTDIR\${GUI_EXE}"
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!define MUI_UNFINISHPAGE_NOAUTOCLOSE
!insertmacro MUI_UNPAGE_FINISH

; Indonesian first: the default whatever the language of Windows; English is the other choice.
!insertmacro MUI_LANGUAGE "Indonesian"
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_RESERVEFILE_LANGDLL

; --- texts (the same keys in both languages; tests/installer checks that) -------------------
LangString WelcomeText ${LANG_INDONESIAN} "Program ini memasang ${APPNAME} ${VERSION} untuk pengguna Windows ini saja. Hak administrator tidak diperlukan.$\r$\n$\r$\nJika versi lama sudah terpasang, versi ini menggantikannya. Data kantor Anda tetap tersimpan dan diperbarui otomatis (dengan cadangan) saat aplikasi dibuka.$\r$\n$\r$\nKlik Lanjut untuk meneruskan."
LangString WelcomeText ${LANG_ENGLISH} "This will install ${APPNAME} ${VERSION} for this Windows user only. No administrator rights are needed.$\r$\n$\r$\nIf an older version is installed, this one replaces it. Your office's data is kept and updated automatically (after a backup) when the app opens.$\r$\n$\r$\nClick Next to continue."
LangString SecAppName ${LANG_INDONESIAN} "${APPNAME} (wajib)"
LangString SecAppName ${LANG_ENGLISH} "${APPNAME} (required)"
LangString SecAppDesc ${LANG_INDONESIAN} "Aplikasi, menu Start, dan jenis berkas paket data (.scb)."
LangString SecAppDesc ${LANG_ENGLISH} "The application, its Start menu entries and the bundle file type (.scb)."
LangString SecDesktopName ${LANG_INDONESIAN} "Pintasan di desktop"
LangString SecDesktopName ${LANG_ENGLISH} "Desktop shortcut"
LangString SecDesktopDesc ${LANG_INDONESIAN} "Ikon ${APPNAME} di desktop."
LangString SecDesktopDesc ${LANG_ENGLISH} "A ${APPNAME} icon on the desktop."
LangString PromptShortcut ${LANG_INDONESIAN} "SmartCity (baris perintah)"
LangString PromptShortcut ${LANG_ENGLISH} "SmartCity (command line)"
LangString AppShortcutDesc ${LANG_INDONESIAN} "Catat, kirim dan terima data kebutuhan desa"
LangString AppShortcutDesc ${LANG_ENGLISH} "Record, send and receive village needs"
LangString PromptShortcutDesc ${LANG_INDONESIAN} "Jendela perintah dengan perintah smartcity"
LangString PromptShortcutDesc ${LANG_ENGLISH} "A console with the smartcity command"
LangString BundleTypeName ${LANG_INDONESIAN} "Paket data SmartCity"
LangString BundleTypeName ${LANG_ENGLISH} "SmartCity data bundle"
LangString MsgAppRunning ${LANG_INDONESIAN} "${APPNAME} sedang terbuka.$\r$\n$\r$\nTutup semua jendela ${APPNAME} dan jendela SmartCity (baris perintah), lalu klik Coba Lagi."
LangString MsgAppRunning ${LANG_ENGLISH} "${APPNAME} is running.$\r$\n$\r$\nClose every ${APPNAME} window and SmartCity (command line) window, then click Retry."
LangString MsgDeleteData ${LANG_INDONESIAN} "Hapus juga data kantor?$\r$\n$\r$\n$0$\r$\nFolder ini berisi basis data, lampiran, kunci kantor dan cadangan. Data yang dihapus tidak dapat dikembalikan.$\r$\n$\r$\nPilih Tidak untuk menyimpannya (disarankan): versi baru yang dipasang nanti memakainya lagi."
LangString MsgDeleteData ${LANG_ENGLISH} "Delete the office's data as well?$\r$\n$\r$\n$0$\r$\nThis folder holds the database, attachments, the office keys and the backups. Deleted data cannot be recovered.$\r$\n$\r$\nChoose No to keep it (recommended): a version installed later uses it again."
LangString MsgDataKept ${LANG_INDONESIAN} "Data kantor tetap tersimpan di:"
LangString MsgDataKept ${LANG_ENGLISH} "The office's data is kept in:"

; Shown before the language is chosen, so in both languages.
!define MSG_UNSUPPORTED "${APPNAME} memerlukan Windows 10 versi 1809 (build ${MIN_BUILD}) atau yang lebih baru, atau Windows 11, edisi 64-bit. Komputer ini tidak memenuhinya, jadi pemasangan dibatalkan.$\r$\n$\r$\n${APPNAME} needs Windows 10 version 1809 (build ${MIN_BUILD}) or later, or Windows 11, 64-bit. This computer does not meet that, so setup has stopped."

; --- shared by the installer and the uninstaller --------------------------------------------

; A running program file cannot be opened for writing on Windows: ask the user to close the app
; rather than leave half the files replaced.
!macro CHECK_NOT_RUNNING_FUNCTION un
Function ${un}CheckNotRunning
  Push $0
  Push $1
  StrCpy $1 0
  retry:
  ${If} ${FileExists} "$INSTDIR\${GUI_EXE}"
    ClearErrors
    FileOpen $0 "$INSTDIR\${GUI_EXE}" a
    ${If} ${Errors}
      StrCpy $1 1
    ${Else}
      FileClose $0
    ${EndIf}
  ${EndIf}
  ${If} ${FileExists} "$INSTDIR\${CLI_EXE}"
    ClearErrors
    FileOpen $0 "$INSTDIR\${CLI_EXE}" a
    ${If} ${Errors}
      StrCpy $1 1
    ${Else}
      FileClose $0
    ${EndIf}
  ${EndIf}
  ${If} $1 == 1
    StrCpy $1 0
    MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "$(MsgAppRunning)" /SD IDCANCEL IDRETRY retry
    Pop $1
    Pop $0
    Abort
  ${EndIf}
  Pop $1
  Pop $0
FunctionEnd
!macroend
!insertmacro CHECK_NOT_RUNNING_FUNCTION ""
!insertmacro CHECK_NOT_RUNNING_FUNCTION "un."

; The program files of an install, never anything else in the folder: a data folder or a
; portable marker that a user put beside the program stays.
!macro REMOVE_PROGRAM_FILES
  ${If} ${FileExists} "$INSTDIR\${CLI_EXE}"
    RMDir /r "$INSTDIR\_internal"
  ${EndIf}
  Delete "$INSTDIR\${GUI_EXE}"
  Delete "$INSTDIR\${CLI_EXE}"
  Delete "$INSTDIR\${PROMPT_CMD}"
  RMDir /r "$SMPROGRAMS\${APPNAME}"
  Delete "$DESKTOP\${APPNAME}.lnk"
!macroend

; --- install --------------------------------------------------------------------------------

Function .onInit
  SetShellVarContext current
  ${IfNot} ${RunningX64}
  ${OrIfNot} ${AtLeastBuild} ${MIN_BUILD}
    MessageBox MB_OK|MB_ICONSTOP "${MSG_UNSUPPORTED}" /SD IDOK
    SetErrorLevel 3
    Quit
  ${EndIf}
  SetRegView 64
  StrCpy $LANGUAGE ${LANG_INDONESIAN}
  !insertmacro MUI_LANGDLL_DISPLAY
FunctionEnd

Section "$(SecAppName)" SecApp
  SectionIn RO
  SetShellVarContext current
  Call CheckNotRunning

  ; An upgrade replaces the old program files whole, so that no module of the old version
  ; lingers in _internal; the data folder lives elsewhere and is left alone.
  !insertmacro REMOVE_PROGRAM_FILES

  SetOutPath "$INSTDIR"
  File /r "${APPDIR}\*"
  File "/oname=${PROMPT_CMD}" "${__FILEDIR__}\${PROMPT_CMD}"
  WriteUninstaller "$INSTDIR\${UNINSTALLER}"

  CreateDirectory "$SMPROGRAMS\${APPNAME}"
  CreateShortCut "$SMPROGRAMS\${APPNAME}\${APPNAME}.lnk" "$INSTDIR\${GUI_EXE}" "" \
    "$INSTDIR\${GUI_EXE}" 0 SW_SHOWNORMAL "" "$(AppShortcutDesc)"
  ; The console starts in the user's own folder, not in the program folder.
  SetOutPath "$PROFILE"
  CreateShortCut "$SMPROGRAMS\${APPNAME}\$(PromptShortcut).lnk" "$SYSDIR\cmd.exe" \
    '/k "$INSTDIR\${PROMPT_CMD}"' "$INSTDIR\${CLI_EXE}" 0 SW_SHOWNORMAL "" "$(PromptShortcutDesc)"
  SetOutPath "$INSTDIR"

  ; Double-clicking a bundle or a split part opens the app on Terima Data with it loaded.
  WriteRegStr HKCU "Software\Classes\${BUNDLE_EXT}" "" "${PROGID}"
  WriteRegNone HKCU "Software\Classes\${BUNDLE_EXT}\OpenWithProgids" "${PROGID}"
  WriteRegStr HKCU "Software\Classes\${PROGID}" "" "$(BundleTypeName)"
  WriteRegStr HKCU "Software\Classes\${PROGID}\DefaultIcon" "" '"$INSTDIR\${GUI_EXE}",0'
  WriteRegStr HKCU "Software\Classes\${PROGID}\shell\open\command" "" \
    '"$INSTDIR\${GUI_EXE}" "%1"'
  ${NotifyShell_AssocChanged}

  WriteRegStr HKCU "${SETTINGS_KEY}" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${SETTINGS_KEY}" "Version" "${VERSION}"
  ; Apps & features (this user only).
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${APPNAME}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" '"$INSTDIR\${GUI_EXE}",0'
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\${UNINSTALLER}"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\${UNINSTALLER}" /S'
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKCU "${UNINST_KEY}" "EstimatedSize" "$0"
SectionEnd

Section "$(SecDesktopName)" SecDesktop
  SetShellVarContext current
  SetOutPath "$INSTDIR"
  CreateShortCut "$DESKTOP\${APPNAME}.lnk" "$INSTDIR\${GUI_EXE}" "" \
    "$INSTDIR\${GUI_EXE}" 0 SW_SHOWNORMAL "" "$(AppShortcutDesc)"
SectionEnd

!insertmacro MUI_FUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SecApp} "$(SecAppDesc)"
  !insertmacro MUI_DESCRIPTION_TEXT ${SecDesktop} "$(SecDesktopDesc)"
!insertmacro MUI_FUNCTION_DESCRIPTION_END

; --- uninstall ------------------------------------------------------------------------------

Function un.onInit
  SetShellVarContext current
  SetRegView 64
  !insertmacro MUI_UNGETLANGUAGE
FunctionEnd

; Ask once about each data folder that exists; the default button, and a silent uninstall, keep it.
!macro ASK_DELETE_DATA folder
  StrCpy $0 "${folder}"
  ${If} ${FileExists} "$0\*.*"
    ${If} ${Cmd} `MessageBox MB_YESNO|MB_ICONQUESTION|MB_DEFBUTTON2 "$(MsgDeleteData)" /SD IDNO IDYES`
      RMDir /r "$0"
    ${Else}
      DetailPrint "$(MsgDataKept) $0"
    ${EndIf}
  ${EndIf}
!macroend

Section "Uninstall"
  SetShellVarContext current
  Call un.CheckNotRunning

  !insertmacro REMOVE_PROGRAM_FILES
  Delete "$INSTDIR\${UNINSTALLER}"

  ReadRegStr $0 HKCU "Software\Classes\${BUNDLE_EXT}" ""
  ${If} $0 == "${PROGID}"
    DeleteRegValue HKCU "Software\Classes\${BUNDLE_EXT}" ""
  ${EndIf}
  DeleteRegValue HKCU "Software\Classes\${BUNDLE_EXT}\OpenWithProgids" "${PROGID}"
  DeleteRegKey /ifempty HKCU "Software\Classes\${BUNDLE_EXT}\OpenWithProgids"
  DeleteRegKey /ifempty HKCU "Software\Classes\${BUNDLE_EXT}"
  DeleteRegKey HKCU "Software\Classes\${PROGID}"
  ${NotifyShell_AssocChanged}
  DeleteRegKey HKCU "${UNINST_KEY}"
  DeleteRegKey HKCU "${SETTINGS_KEY}"

  ; The data: the user-data folder, and a portable one if this copy was made portable.
  !insertmacro ASK_DELETE_DATA "$LOCALAPPDATA\${APPKEY}"
  ${If} ${FileExists} "$INSTDIR\${PORTABLE_MARKER}"
    !insertmacro ASK_DELETE_DATA "$INSTDIR\data"
  ${EndIf}
  ; Only when empty: whatever a user keeps here stays.
  RMDir "$INSTDIR"
SectionEnd
