; The Windows installer: kuiwen-atlas-<version>-windows-x86_64-setup.exe, made by scripts/package with
; Debian's makensis from the same folder as the zip:
;   makensis -DVERSION=0.1.0 -DSTAGE=<zip folder> -DICON=<.ico> -DOUTFILE=<setup.exe> packaging/windows/installer.nsi
; (absolute paths: makensis reads relative ones from this script's folder).
;
; It installs for the current user only (no administrator rights, which planners' office machines
; rarely give) into %LOCALAPPDATA%\Programs\KuiwenAtlas, adds a Start menu entry, lists the app under
; "Open with" for .geojson, .shp, .gpkg, .kml, .kmz and .json (a workspace is *.kuiwen.json, and
; Windows keys types on the last extension only), without taking any type's default from another
; program, and registers an uninstaller in Settings → Apps. Silent: setup.exe /S, uninstall.exe /S.

; A 64-bit installer for a 64-bit program (Unicode, so the Chinese names are kept).
Target amd64-unicode
SetCompressor /SOLID lzma
RequestExecutionLevel user
!include "MUI2.nsh"

!ifndef VERSION
  !error "makensis -DVERSION=... -DSTAGE=... -DICON=... -DOUTFILE=..."
!endif

!define APP "KuiwenAtlas"
!define PROGID "KuiwenAtlas.File"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP}"

Name "奎文规划一张图 Kuiwen Atlas"
BrandingText "奎文规划一张图 Kuiwen Atlas ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP}"
InstallDirRegKey HKCU "Software\${APP}" "InstallDir"
VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=0 "ProductName" "Kuiwen Atlas 奎文规划一张图"
VIAddVersionKey /LANG=0 "FileDescription" "Kuiwen Atlas 奎文规划一张图 setup"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "LegalCopyright" "MIT OR Apache-2.0; map data © OpenStreetMap contributors (ODbL)"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_FINISHPAGE_RUN "$INSTDIR\kuiwen-atlas.exe"
!insertmacro MUI_PAGE_LICENSE "${STAGE}\LICENSE-MIT.txt"
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "SimpChinese"
!insertmacro MUI_LANGUAGE "English"

; "Open with" for one extension: the ProgID in its OpenWithProgids, nothing else changed.
!macro OpenWith EXT
  WriteRegStr HKCU "Software\Classes\${EXT}\OpenWithProgids" "${PROGID}" ""
  WriteRegStr HKCU "Software\Classes\Applications\kuiwen-atlas.exe\SupportedTypes" "${EXT}" ""
!macroend
!macro NoLongerOpenWith EXT
  DeleteRegValue HKCU "Software\Classes\${EXT}\OpenWithProgids" "${PROGID}"
!macroend

Section "Kuiwen Atlas"
  SetOutPath "$INSTDIR"
  File "${STAGE}\kuiwen-atlas.exe"
  File "${STAGE}\使用说明.txt"
  File "${STAGE}\README.md"
  File "${STAGE}\LICENSE-MIT.txt"
  File "${STAGE}\LICENSE-APACHE.txt"
  File "${STAGE}\OFL-NotoSansSC.txt"
  File "${STAGE}\THIRD-PARTY-LICENSES.txt"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateShortcut "$SMPROGRAMS\奎文规划一张图 Kuiwen Atlas.lnk" "$INSTDIR\kuiwen-atlas.exe"

  WriteRegStr HKCU "Software\Classes\${PROGID}" "" "规划数据 Planning data"
  WriteRegStr HKCU "Software\Classes\${PROGID}\DefaultIcon" "" "$INSTDIR\kuiwen-atlas.exe,0"
  WriteRegStr HKCU "Software\Classes\${PROGID}\shell\open\command" "" '"$INSTDIR\kuiwen-atlas.exe" "%1"'
  WriteRegStr HKCU "Software\Classes\Applications\kuiwen-atlas.exe" "FriendlyAppName" "奎文规划一张图 Kuiwen Atlas"
  WriteRegStr HKCU "Software\Classes\Applications\kuiwen-atlas.exe\shell\open\command" "" '"$INSTDIR\kuiwen-atlas.exe" "%1"'
  !insertmacro OpenWith ".geojson"
  !insertmacro OpenWith ".shp"
  !insertmacro OpenWith ".gpkg"
  !insertmacro OpenWith ".kml"
  !insertmacro OpenWith ".kmz"
  !insertmacro OpenWith ".json"

  WriteRegStr HKCU "Software\${APP}" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "奎文规划一张图 Kuiwen Atlas"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "Kuiwen Atlas"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\kuiwen-atlas.exe,0"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
  ; Tell Explorer the associations changed (SHCNE_ASSOCCHANGED).
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
SectionEnd

Section "Uninstall"
  Delete "$INSTDIR\kuiwen-atlas.exe"
  Delete "$INSTDIR\使用说明.txt"
  Delete "$INSTDIR\README.md"
  Delete "$INSTDIR\LICENSE-MIT.txt"
  Delete "$INSTDIR\LICENSE-APACHE.txt"
  Delete "$INSTDIR\OFL-NotoSansSC.txt"
  Delete "$INSTDIR\THIRD-PARTY-LICENSES.txt"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\奎文规划一张图 Kuiwen Atlas.lnk"
  !insertmacro NoLongerOpenWith ".geojson"
  !insertmacro NoLongerOpenWith ".shp"
  !insertmacro NoLongerOpenWith ".gpkg"
  !insertmacro NoLongerOpenWith ".kml"
  !insertmacro NoLongerOpenWith ".kmz"
  !insertmacro NoLongerOpenWith ".json"
  DeleteRegKey HKCU "Software\Classes\${PROGID}"
  DeleteRegKey HKCU "Software\Classes\Applications\kuiwen-atlas.exe"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  DeleteRegKey HKCU "Software\${APP}"
  ; The settings, history and tile cache in %APPDATA% and %LOCALAPPDATA%\Kuiwen are the planner's
  ; and stay, as 使用说明.txt says.
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
SectionEnd
