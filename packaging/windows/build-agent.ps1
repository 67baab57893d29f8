# Builds and signs the Windows agent executable on a Windows x64 host with Node.js 20 (x64):
#   powershell -File packaging\windows\build-agent.ps1 -CertThumbprint <code-signing cert thumbprint>
# scripts/build-agent.mjs removes node.exe's Authenticode signature before injecting; sign the result here.
param([Parameter(Mandatory = $true)][string]$CertThumbprint)
$ErrorActionPreference = "Stop"
$Root = Resolve-Path (Join-Path $PSScriptRoot "..\..")
npm run build --prefix $Root
node (Join-Path $Root "scripts\build-agent.mjs") --force
$Exe = Join-Path $Root "build\agent\farmwatch-agent-win32-x64.exe"
signtool sign /sha1 $CertThumbprint /fd SHA256 /tr http://timestamp.digicert.com /td SHA256 $Exe
signtool verify /pa $Exe
