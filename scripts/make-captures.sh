#!/usr/bin/env bash
# Makes the packet captures under agent/test/fixtures/pcap/ with real software: two network
# namespaces joined by a veth pair on this machine, a server in one and a client in the other, and
# tcpdump (or dumpcap, for pcapng) recording each scenario into a small file.
#
#   sudo scripts/make-captures.sh [OUT_DIR] [SCENARIO...]
#
# OUT_DIR defaults to agent/test/fixtures/pcap. Scenarios (all by default): ssh tls tls-chromium dns
# web openvpn-udp openvpn-tlscrypt openvpn-tcp wireguard vnc rdp ipsec pptp l2tp anyconnect quic
# xpra spice nx tls-relays.
# Needs root and the Debian packages listed in NEEDS below; run it by hand when the fixtures need
# remaking (npm test never runs it), then regenerate the golden files with
# `node scripts/golden-pcap.mjs --write` and `node scripts/compare-ndpi.mjs --write`, and review
# the diff.
#
# Addresses are from the documentation ranges (RFC 5737, RFC 3849): the "server" is 203.0.113.7
# and 2001:db8:7::7, the "client" 198.51.100.9 and 2001:db8:7::9. Nothing leaves the namespaces.
# Every interface and namespace name carries this script's process id; all of it, and every
# process started, is removed on exit, also on failure or Ctrl-C.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-$ROOT/agent/test/fixtures/pcap}
shift || true
SCENARIOS=("$@")
[ ${#SCENARIOS[@]} -gt 0 ] || SCENARIOS=(ssh tls tls-chromium dns web openvpn-udp openvpn-tlscrypt openvpn-tcp wireguard vnc rdp ipsec pptp l2tp anyconnect quic xpra spice nx tls-relays)

[ "$(id -u)" = 0 ] || { echo "make-captures: run as root (it creates network namespaces)" >&2; exit 1; }

need() { # command package
  [ -e "$1" ] || command -v "$1" >/dev/null 2>&1 || { echo "make-captures: $1 is missing: apt-get install $2" >&2; exit 1; }
}
# Every scenario records with tcpdump in namespaces; each also needs its own programs (only the
# chosen scenarios' are checked, so one scenario can be remade on a machine without the others').
need tcpdump tcpdump; need ethtool ethtool; need openssl openssl
declare -A NEEDS=(
  [ssh]="sshd:openssh-server ssh:openssh-client" [tls]="curl:curl" [tls-chromium]="chromium:chromium"
  [dns]="dig:dnsutils dnsmasq:dnsmasq-base" [web]="dumpcap:wireshark-common curl:curl python3:python3"
  [openvpn-udp]="openvpn:openvpn ping:iputils-ping" [openvpn-tlscrypt]="openvpn:openvpn ping:iputils-ping"
  [openvpn-tcp]="openvpn:openvpn ping:iputils-ping" [wireguard]="wireguard-go:wireguard-go wg:wireguard-tools ping:iputils-ping"
  [vnc]="Xvfb:xvfb x11vnc:x11vnc vncsnapshot:vncsnapshot" [rdp]="Xvfb:xvfb xrdp:xrdp xfreerdp:freerdp2-x11"
  [ipsec]="swanctl:strongswan-swanctl /usr/lib/ipsec/plugins/libstrongswan-openssl.so:libstrongswan-standard-plugins /usr/lib/ipsec/charon:strongswan-charon ping:iputils-ping"
  [pptp]="pptpd:pptpd pptp:pptp-linux" [l2tp]="xl2tpd:xl2tpd" [anyconnect]="ocserv:ocserv openconnect:openconnect"
  [quic]="caddy:caddy chromium:chromium" [xpra]="xpra:xpra Xvfb:xvfb" [spice]="qemu-system-x86_64:qemu-system-x86 spicy:spice-client-gtk Xvfb:xvfb"
  [nx]="nxagent:nxagent nxproxy:nxproxy Xvfb:xvfb"
)
for s in "${SCENARIOS[@]}"; do
  for pair in ${NEEDS[$s]:-}; do need "${pair%%:*}" "${pair#*:}"; done
done

ID=$$
S=fws$ID            # server namespace
C=fwc$ID            # client namespace
VS=vs$ID; VC=vc$ID  # the two ends of the veth pair
SV4=203.0.113.7; CV4=198.51.100.9
SV6=2001:db8:7::7; CV6=2001:db8:7::9
W=$(mktemp -d /tmp/fw-captures.XXXXXX)
PIDS=()

cleanup() {
  set +e
  for p in "${PIDS[@]}"; do pkill -P "$p" 2>/dev/null; kill "$p" 2>/dev/null; done
  sleep 0.3
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
  ip netns del "$S" 2>/dev/null; ip netns del "$C" 2>/dev/null
  if [ -n "${KEEP:-}" ]; then echo "kept $W" >&2; else rm -rf "$W"; fi
}
trap cleanup EXIT INT TERM

in_s() { ip netns exec "$S" "$@"; }
in_c() { ip netns exec "$C" "$@"; }
bg_s() { ip netns exec "$S" "$@" & PIDS+=($!); }
bg_c() { ip netns exec "$C" "$@" & PIDS+=($!); }
say() { echo "make-captures: $*" >&2; }

wait_tcp() { # ns host port
  for _ in $(seq 1 100); do
    ip netns exec "$1" bash -c "exec 3<>/dev/tcp/$2/$3" 2>/dev/null && return 0
    sleep 0.1
  done
  say "nothing listens on $2:$3"; return 1
}
wait_log() { # file text
  for _ in $(seq 1 150); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  say "\"$2\" never appeared in $1:"; tail -20 "$1" >&2; return 1
}

# One capture: start the recorder in the server namespace, run the scenario, stop the recorder.
CAP_PID=
start_capture() { # file [iface] [tool] [link type]
  local file=$1 iface=${2:-$VS} tool=${3:-tcpdump} link=${4:-}
  if [ "$tool" = dumpcap ]; then
    ip netns exec "$S" dumpcap -q -i "$iface" -w "$OUT/$file" -f 'not icmp6 and not ip6 multicast and not igmp' 2>"$W/cap.err" & CAP_PID=$!
    sleep 1.5
  else
    ip netns exec "$S" tcpdump -U --immediate-mode -n -i "$iface" ${link:+-y "$link"} -w "$OUT/$file" 'not icmp6 and not ip6 multicast and not igmp' 2>"$W/cap.err" & CAP_PID=$!
    wait_log "$W/cap.err" 'listening on'
  fi
}
stop_capture() {
  sleep 0.5
  kill -INT "$CAP_PID"; wait "$CAP_PID" || true
  say "wrote $OUT/$1 ($(stat -c %s "$OUT/$1") bytes)"
}
# Children first (xrdp forks one per connection), then the process itself.
stop_bg() { for p in "${PIDS[@]}"; do pkill -P "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done; sleep 0.3; for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done; PIDS=(); }

# --- network -----------------------------------------------------------------------------------
mkdir -p "$OUT"
ip netns add "$S"; ip netns add "$C"
ip link add "$VS" type veth peer name "$VC"
ip link set "$VS" netns "$S"; ip link set "$VC" netns "$C"
in_s ip link set lo up; in_c ip link set lo up
in_s ip addr add "$SV4" peer "$CV4" dev "$VS"; in_c ip addr add "$CV4" peer "$SV4" dev "$VC"
in_s ip addr add "$SV6/64" dev "$VS" nodad; in_c ip addr add "$CV6/64" dev "$VC" nodad
in_s ip link set "$VS" up; in_c ip link set "$VC" up
# Segmentation offload would hand tcpdump 64 KB "packets" no wire ever carries.
in_s ethtool -K "$VS" tso off gso off gro off >/dev/null; in_c ethtool -K "$VC" tso off gso off gro off >/dev/null
sleep 1

# --- certificates shared by the TLS-based servers ---------------------------------------------
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=fw-test-ca \
  -keyout "$W/ca.key" -out "$W/ca.pem" 2>/dev/null
issue() { # name
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$1" -addext "subjectAltName=DNS:$1,DNS:www.example.org" \
    -keyout "$W/$1.key" -out "$W/$1.csr" 2>/dev/null
  openssl x509 -req -in "$W/$1.csr" -CA "$W/ca.pem" -CAkey "$W/ca.key" -CAcreateserial -copy_extensions copy -days 2 -out "$W/$1.pem" 2>/dev/null
}
issue server; issue client

# The scenarios.
# shellcheck source=captures/apps.sh
source "$ROOT/scripts/captures/apps.sh"
# shellcheck source=captures/vpn.sh
source "$ROOT/scripts/captures/vpn.sh"
# shellcheck source=captures/display-protocols.sh
source "$ROOT/scripts/captures/display-protocols.sh"

for s in "${SCENARIOS[@]}"; do
  declare -F "scenario_$s" >/dev/null || { say "unknown scenario $s"; exit 2; }
  say "== $s"
  "scenario_$s"
done
# The same OpenVPN capture rewritten by tcpdump with nanosecond timestamps (pcap magic a1b23c4d).
if [ -f "$OUT/openvpn-udp.pcap" ]; then
  tcpdump -r "$OUT/openvpn-udp.pcap" --time-stamp-precision=nano -w "$OUT/openvpn-udp-nanosecond.pcap" 2>/dev/null
fi
chmod 644 "$OUT"/*.pcap "$OUT"/*.pcapng 2>/dev/null || true
say "done: captures are in $OUT"
