// The cluster graph, drawn with Cytoscape.js: the values laptops share (coloured by kind) at the
// top, the laptops (coloured by risk) below, a line where a laptop observed a value (dashed and
// curved where one laptop saw another on its LAN). Clicking a line, a laptop or a value calls
// `onSelect` with it.
import cytoscape from 'cytoscape';

export interface GraphData {
  nodes: { id: string; type: 'laptop' | 'observation'; label: string; kind?: string; risk?: { severity: string } }[];
  links: { id: string; source: string; target: string; kind: string; weight: number }[];
}

export const KIND_COLOURS: Record<string, string> = {
  public_ip: '#6b7a90', wifi_bssid: '#2f7d6d', gateway_mac: '#3867a8', lan_neighbour: '#7a6a3a', lan_neighbour_laptop: '#8a5a9e',
  kvm_identity: '#b5470f', remote_peer_id: '#b42318', remote_peer_ip: '#c2410c',
};
const RISK_COLOURS: Record<string, string> = { critical: '#b42318', high: '#d9480f', medium: '#b7791f', low: '#2f6fb0', info: '#6b7280' };

const PER_ROW = { laptop: 10, observation: 8 } as const;
const GAP_X = 170;
const GAP_Y = 110;

/**
 * A two-sided drawing of a bipartite graph: the shared values in rows at the top (the heaviest
 * kinds first), the laptops in rows below, each row centred; the same data always draws the same.
 */
function twoRows(data: GraphData): Record<string, { x: number; y: number }> {
  const values = data.nodes.filter((n) => n.type === 'observation');
  const laptops = data.nodes.filter((n) => n.type === 'laptop').sort((a, b) => a.label.localeCompare(b.label));
  const weight = new Map(data.links.map((l) => [l.target, l.weight]));
  values.sort((a, b) => (weight.get(b.id) ?? 0) - (weight.get(a.id) ?? 0) || a.label.localeCompare(b.label));
  const out: Record<string, { x: number; y: number }> = {};
  const place = (list: GraphData['nodes'], perRow: number, y0: number, dy: number): void => {
    list.forEach((n, i) => {
      const row = Math.floor(i / perRow);
      const inRow = Math.min(perRow, list.length - row * perRow);
      out[n.id] = { x: ((i % perRow) - (inRow - 1) / 2) * GAP_X, y: y0 + row * dy };
    });
  };
  place(values, PER_ROW.observation, 0, -GAP_Y);
  place(laptops, PER_ROW.laptop, values.length > 0 ? 2 * GAP_Y : 0, GAP_Y);
  return out;
}

/** Cytoscape adds an inline <style> unless this element exists; the CSP allows no inline style (app.css has the rule). */
function markCytoscapeStylesheet(): void {
  if (document.getElementById('__________cytoscape_stylesheet')) return;
  const marker = document.createElement('meta');
  marker.id = '__________cytoscape_stylesheet';
  document.head.append(marker);
}

export function drawGraph(container: HTMLElement, data: GraphData, onSelect: (kind: 'node' | 'link', id: string) => void): cytoscape.Core {
  markCytoscapeStylesheet();
  const cy = cytoscape({
    container,
    elements: [
      ...data.nodes.map((n) => ({ group: 'nodes' as const, data: { id: n.id, label: n.label, type: n.type, colour: n.type === 'laptop' ? RISK_COLOURS[n.risk?.severity ?? 'info'] ?? '#6b7280' : KIND_COLOURS[n.kind ?? ''] ?? '#6b7a90' } })),
      ...data.links.map((l) => ({ group: 'edges' as const, data: { id: l.id, source: l.source, target: l.target, kind: l.kind, direct: l.kind === 'lan_neighbour_laptop' ? 'yes' : 'no', colour: KIND_COLOURS[l.kind] ?? '#6b7a90', width: 1.5 + l.weight / 10 } })),
    ],
    style: [
      { selector: 'node', style: { label: 'data(label)', 'font-size': 11, 'font-family': 'system-ui, sans-serif', color: '#1f2937', 'text-wrap': 'ellipsis', 'text-max-width': '150px', 'text-valign': 'bottom', 'text-margin-y': 5, 'background-color': 'data(colour)', 'border-width': 2, 'border-color': '#ffffff' } },
      { selector: 'node[type = "laptop"]', style: { shape: 'round-rectangle', width: 38, height: 26 } },
      { selector: 'node[type = "observation"]', style: { shape: 'diamond', width: 30, height: 30, 'text-valign': 'top', 'text-margin-y': -5 } },
      { selector: 'edge', style: { width: 'data(width)', 'line-color': 'data(colour)', 'curve-style': 'bezier', opacity: 0.75 } },
      { selector: 'edge[direct = "yes"]', style: { 'curve-style': 'unbundled-bezier', 'control-point-distances': [60], 'control-point-weights': [0.5], 'line-style': 'dashed' } },
      { selector: ':selected', style: { 'border-color': '#111827', 'border-width': 3, 'line-color': '#111827', opacity: 1, 'z-index': 10 } },
      { selector: 'edge.hover', style: { opacity: 1, width: 6 } },
    ],
    layout: { name: 'preset', positions: twoRows(data), fit: true, padding: 36 },
    minZoom: 0.3, maxZoom: 3, wheelSensitivity: 0.3, boxSelectionEnabled: false, autoungrabify: false,
  });
  cy.on('tap', 'edge', (e) => onSelect('link', (e.target as cytoscape.EdgeSingular).id()));
  cy.on('tap', 'node', (e) => onSelect('node', (e.target as cytoscape.NodeSingular).id()));
  cy.on('mouseover', 'edge', (e) => (e.target as cytoscape.EdgeSingular).addClass('hover'));
  cy.on('mouseout', 'edge', (e) => (e.target as cytoscape.EdgeSingular).removeClass('hover'));
  // For automation: the end-to-end test reads where an edge was drawn and clicks there.
  (container as HTMLElement & { cy?: cytoscape.Core }).cy = cy;
  return cy;
}
