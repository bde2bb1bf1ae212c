@echo off
rem "SmartCity (baris perintah)": a console with smartcity.exe on its PATH.
rem The Start-menu shortcut runs: cmd.exe /k "INSTALL-FOLDER\smartcity-prompt.cmd"
set "PATH=%~dp0;%PATH%"
title SmartCity (baris perintah)
echo SmartCity Desktop - baris perintah / command line
echo Ketik "smartcity --help" untuk daftar perintah. Type "smartcity --help" for the commands.
