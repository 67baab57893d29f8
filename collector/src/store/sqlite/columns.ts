// Column lists shared by the SQLite statements: snake_case in the database, camelCase in rows.
export const DEVICE_COLUMNS = `id, machine_id AS machineId, hostname, hardware_serial AS hardwareSerial,
  os_platform AS osPlatform, os_name AS osName, os_version AS osVersion, agent_version AS agentVersion,
  catalog_version AS catalogVersion, time_zone AS timeZone, clock_skew_ms AS clockSkewMs, last_peer AS lastPeer,
  first_seen_ms AS firstSeenMs, last_seen_ms AS lastSeenMs, last_sequence AS lastSequence,
  public_ip AS publicIp, rtt_ms AS rttMs,
  cpu_permille AS cpuPermille, cpu_window_s AS cpuWindowS, cpu_at_ms AS cpuAtMs, rss_bytes AS rssBytes, spool_depth AS spoolDepth,
  stopped_at_ms AS stoppedAtMs, stop_reason AS stopReason`;

export const ALERT_COLUMNS = `a.id, a.device_id AS deviceId, d.hostname, a.rule, a.key, a.severity, a.title, a.status,
  a.first_seen_ms AS firstSeenMs, a.last_seen_ms AS lastSeenMs, a.occurrences, a.scope, a.score, a.assignee,
  a.updated_ms AS updatedMs, a.suppressed_by AS suppressedBy`;

export const SEVERITY_ORDER = `CASE a.severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END`;
