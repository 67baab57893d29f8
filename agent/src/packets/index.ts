// Packets: capture files and live capture read down to flows, each labelled (VPN tunnel, remote
// access, SSH, ordinary) with its confidence and the features that decided it.
//
// Stages, in data-flow order: read/ (pcap and pcapng files, pure TypeScript), capture/ (live, via
// node-pcap, loaded only when enabled), decode/ (link layer, IP, TCP/UDP), flows/ (bounded flow
// table), classify/ (pure protocol checkers and catalog domains).
//
// Wiring into the agent (for the integrator): the packets sensor is sensors/packets/spec.ts
// (createPacketsSensor({ enabled, device }); `packetsSensor` is the off-by-default instance; a
// SensorDisabled outcome maps to SENSOR_STATUS_DISABLED; call stop() when the agent stops). Its
// facts' flows go to detectors/network-flows.ts: detectNetworkFlows(flows, catalog, policy,
// { localAddresses }) for findings, remotePeerObservations(flows, { localAddresses }) for
// OBSERVATION_KIND_REMOTE_PEER_IP events. localAddresses come from the network interfaces sensor.
export { analyzeCaptureFile, type AnalyzeOptions, type AnalyzeResult } from './analyze-file.js';
export { CatalogDomains, domainRulesFromCatalog, rulesFor, type DomainRule } from './classify/domains.js';
export { PROTOCOL_NAMES, type FlowKind, type FlowLabel, type ProtocolId, type CatalogMatch } from './classify/types.js';
export type { FlowSummary, Endpoint } from './flows/flow-table.js';
export { CaptureFileError } from './read/types.js';
