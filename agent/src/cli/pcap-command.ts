// farmwatch-agent pcap FILE: declared here; the packet code loads only when the command runs.
import { command, exits, type Command } from './args.js';

export function pcapCommand(program: Command): void {
  command(program, 'pcap', 'label every flow of a pcap/pcapng capture (VPN tunnels, remote desktop, catalog names)',
    'Reads a pcap or pcapng capture (tcpdump -w, dumpcap, Wireshark) and prints every flow with its label: VPN tunnels (OpenVPN, ' +
    'WireGuard, IPsec, L2TP, PPTP, AnyConnect, Tailscale), remote desktops (RDP, VNC, TeamViewer, AnyDesk, RustDesk), SSH, and ordinary ' +
    'traffic (TLS, DNS, HTTP, QUIC), with the confidence and the packet features that decided it. TLS server names, DNS queries and ' +
    'HTTP hosts are matched against the catalog\'s remote-access domains.')
    .argument('<file>', 'the capture file')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExit status: 0 the file was read to its end, 2 it could not be (the flows before the bad spot are still printed).')
    .action(exits(async (file: string, o: { json?: boolean }) => (await import('./pcap.js')).pcapFile(file, o)));
}
