# Installs the farmwatch agent as a Windows service (run as Administrator, e.g. from an Intune
# Win32 app install command):
#   powershell -ExecutionPolicy Bypass -File install-service.ps1 [-Token <enrollment token>] [-CaFile <ca.pem>]
# -CaFile (default: ca.pem beside this script) is the collector's CA certificate, public, which the
# agent enrolls with and pins; it is copied to the default "ca_file", <state>\identity\ca.pem.
# A Node.js single executable cannot answer the Service Control Manager itself, so the service is
# run by WinSW (Windows Service Wrapper, MIT licence, https://github.com/winsw/winsw): place
# WinSW-x64.exe beside this script. Settings come from HKLM\Software\Policies\farmwatch (Intune
# OMA-URI or Group Policy) and C:\ProgramData\farmwatch\agent.json.
param([string]$Token = "", [string]$CaFile = (Join-Path $PSScriptRoot "ca.pem"))
$ErrorActionPreference = "Stop"
$Dir = Join-Path $env:ProgramFiles "farmwatch"
$State = Join-Path $env:ProgramData "farmwatch"
New-Item -ItemType Directory -Force -Path $Dir, $State | Out-Null
Copy-Item -Force (Join-Path $PSScriptRoot "farmwatch-agent-win32-x64.exe") (Join-Path $Dir "farmwatch-agent.exe")
Copy-Item -Force (Join-Path $PSScriptRoot "WinSW-x64.exe") (Join-Path $Dir "farmwatch-agent-service.exe")
@"
<service>
  <id>farmwatch-agent</id>
  <name>farmwatch agent</name>
  <description>Reports this laptop to the farmwatch collector.</description>
  <executable>$Dir\farmwatch-agent.exe</executable>
  <arguments>run --config "$State\agent.json"</arguments>
  <startmode>Automatic</startmode>
  <stoptimeout>15 sec</stoptimeout>
  <onfailure action="restart" delay="10 sec"/>
  <env name="FARMWATCH_LOG_FORMAT" value="json"/>
  <log mode="roll-by-size"><sizeThreshold>10240</sizeThreshold><keepFiles>5</keepFiles></log>
</service>
"@ | Set-Content -Encoding UTF8 (Join-Path $Dir "farmwatch-agent-service.xml")
# Only SYSTEM and Administrators may read the agent's state (its private key lives there).
icacls $State /inheritance:r /grant:r "SYSTEM:(OI)(CI)F" "Administrators:(OI)(CI)F" | Out-Null
if (-not (Test-Path (Join-Path $State "agent.json"))) { "{}" | Set-Content -Encoding ASCII (Join-Path $State "agent.json") }
$Identity = Join-Path $State "identity"
if ((Test-Path $CaFile) -and -not (Test-Path (Join-Path $Identity "agent.pem"))) {
  New-Item -ItemType Directory -Force -Path $Identity | Out-Null
  Copy-Item -Force $CaFile (Join-Path $Identity "ca.pem")
}
if ($Token -ne "") {
  $TokenFile = Join-Path $State "enroll.token"
  $Token | Set-Content -Encoding ASCII $TokenFile
  & (Join-Path $Dir "farmwatch-agent.exe") enroll --config (Join-Path $State "agent.json") --token-file $TokenFile
  if ($LASTEXITCODE -eq 0) { Remove-Item -Force $TokenFile }
}
& (Join-Path $Dir "farmwatch-agent-service.exe") install
& (Join-Path $Dir "farmwatch-agent-service.exe") start
