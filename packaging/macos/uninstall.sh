#!/bin/sh
# Removes the farmwatch agent from a Mac (run as root, e.g. as a Jamf policy script). The agent is
# told first, so the collector records "stopped: uninstall" rather than a laptop gone silent.
STATE="/Library/Application Support/farmwatch"
mkdir -p "$STATE" && echo uninstall > "$STATE/stop-reason"
launchctl bootout system/com.farmwatch.agent 2>/dev/null || true
rm -f /Library/LaunchDaemons/com.farmwatch.agent.plist
rm -rf /usr/local/farmwatch "$STATE"
pkgutil --forget com.farmwatch.agent >/dev/null 2>&1 || true
