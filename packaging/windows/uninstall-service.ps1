# Removes the farmwatch agent service (run as Administrator; Intune uninstall command). The agent
# is told first, so the collector records "stopped: uninstall".
$ErrorActionPreference = "Continue"
$Dir = Join-Path $env:ProgramFiles "farmwatch"
$State = Join-Path $env:ProgramData "farmwatch"
"uninstall" | Set-Content -Encoding ASCII (Join-Path $State "stop-reason")
& (Join-Path $Dir "farmwatch-agent-service.exe") stop
& (Join-Path $Dir "farmwatch-agent-service.exe") uninstall
Remove-Item -Recurse -Force $Dir, $State
