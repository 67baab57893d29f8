#!/usr/bin/env bash
# Makes the packet captures under agent/test/fixtures/pcap/ with real software: two network
# namespaces joined by a veth pair on this machine, a server in one and a client in the other, and
# tcpdump (or dumpcap, for pcapng) recording each scenario into a small file.
#
#   sudo scripts/make-captures.sh [OUT_DIR] [SCENARIO...]
#
# OUT_DIR defaults to agent/test/fixtures/pcap. Scenarios (all by default): ssh tls tls-chromium dns
# web openvpn-udp openvpn-tlscrypt openvpn-tcp wireguard vnc rdp ipsec pptp l2tp anyconnect quic.
# Needs root and the Debian packages listed in need() below; run it by hand when the fixtures need
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
[ ${#SCENARIOS[@]} -gt 0 ] || SCENARIOS=(ssh tls tls-chromium dns web openvpn-udp openvpn-tlscrypt openvpn-tcp wireguard vnc rdp ipsec pptp l2tp anyconnect quic)

[ "$(id -u)" = 0 ] || { echo "make-captures: run as root (it creates network namespaces)" >&2; exit 1; }

need() { # command package
  [ -e "$1" ] || command -v "$1" >/dev/null 2>&1 || { echo "make-captures: $1 is missing: apt-get install $2" >&2; exit 1; }
}
need tcpdump tcpdump; need dumpcap wireshark-common; need ethtool ethtool; need openssl openssl
need sshd openssh-server; need ssh openssh-client; need curl curl; need dig dnsutils; need dnsmasq dnsmasq-base
need openvpn openvpn; need wireguard-go wireguard-go; need wg wireguard-tools; need Xvfb xvfb; need x11vnc x11vnc
need vncsnapshot vncsnapshot; need swanctl strongswan-swanctl; need /usr/lib/ipsec/plugins/libstrongswan-openssl.so libstrongswan-standard-plugins; need /usr/lib/ipsec/charon strongswan-charon; need ping iputils-ping; need xrdp xrdp; need xfreerdp freerdp2-x11; need python3 python3; need caddy caddy; need chromium chromium; need pptpd pptpd; need pptp pptp-linux; need xl2tpd xl2tpd; need ocserv ocserv; need openconnect openconnect

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
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
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
stop_bg() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 0.3; for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done; PIDS=(); }

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

scenario_ssh() {
  mkdir -p /run/sshd
  ssh-keygen -q -t ed25519 -N '' -f "$W/ssh_host"; ssh-keygen -q -t ed25519 -N '' -f "$W/id"
  cp "$W/id.pub" "$W/authorized_keys"
  cat >"$W/sshd_config" <<EOF
Port 22
ListenAddress $SV4
HostKey $W/ssh_host
PidFile $W/sshd.pid
AuthorizedKeysFile $W/authorized_keys
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
EOF
  bg_s /usr/sbin/sshd -D -e -f "$W/sshd_config" 2>"$W/sshd.log"
  wait_tcp "$C" "$SV4" 22
  start_capture ssh.pcap
  in_c ssh -i "$W/id" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes "root@$SV4" 'echo hello' >/dev/null 2>&1
  stop_capture ssh.pcap; stop_bg
}

scenario_tls() {
  bg_s openssl s_server -quiet -accept 443 -cert "$W/server.pem" -key "$W/server.key" -www
  wait_tcp "$C" "$SV4" 443
  start_capture tls-sni.pcap
  in_c curl -sk --resolve "www.example.org:443:$SV4" https://www.example.org/ -o /dev/null
  # Server names of remote-access services, pointed at our own server: what the agent would see
  # of AnyDesk's relays, TeamViewer's routers and Tailscale's control plane.
  for name in relay-0a1b2c3d.net.anydesk.com router15.teamviewer.com controlplane.tailscale.com; do
    in_c openssl s_client -brief -connect "$SV4:443" -servername "$name" </dev/null >/dev/null 2>&1 || true
  done
  stop_capture tls-sni.pcap; stop_bg
}

scenario_dns() {
  bg_s dnsmasq --no-daemon --no-resolv --no-hosts --bind-interfaces --listen-address="$SV4" --port=53 \
    --address="/#/$SV4" --pid-file="$W/dnsmasq.pid" --user=root 2>"$W/dnsmasq.log"
  sleep 1
  # Cooked captures, what `tcpdump -i any` writes: Linux SLL (v1; nDPI 4.2 reads only this one)
  # and, at the same time, SLL2 (tcpdump 4.99's default for "any").
  ip netns exec "$S" tcpdump -U --immediate-mode -n -i any -y LINUX_SLL2 -w "$OUT/dns-sll2.pcap" 'udp port 53 or tcp port 53' 2>"$W/cap3.err" & local sll2=$!
  wait_log "$W/cap3.err" 'listening on'
  start_capture dns.pcap any tcpdump LINUX_SLL
  in_c dig +tries=1 +time=2 "@$SV4" www.example.org A >/dev/null
  in_c dig +tries=1 +time=2 "@$SV4" boot.net.anydesk.com A >/dev/null
  in_c dig +tries=1 +time=2 "@$SV4" controlplane.tailscale.com AAAA >/dev/null
  in_c dig +tcp +tries=1 +time=2 "@$SV4" client.teamviewer.com A >/dev/null
  stop_capture dns.pcap; kill -INT "$sll2"; wait "$sll2" || true; stop_bg
}

scenario_web() {
  mkdir -p "$W/www"; head -c 65536 /dev/urandom >"$W/www/file.bin"
  bg_s python3 -m http.server 80 --bind "$SV4" --directory "$W/www" 2>/dev/null
  wait_tcp "$C" "$SV4" 80
  start_capture web-http.pcapng "$VS" dumpcap
  in_c curl -s -H 'Host: downloads.example.org' "http://$SV4/file.bin" -o /dev/null
  stop_capture web-http.pcapng; stop_bg
}

openvpn_pki() {
  [ -f "$W/ta.key" ] || openvpn --genkey secret "$W/ta.key"
}

run_openvpn() { # proto port file extra-server-args extra-client-args
  local proto=$1 port=$2 file=$3 sp=udp cp=udp
  [ "$proto" = tcp ] && { sp=tcp-server; cp=tcp-client; }
  openvpn_pki
  bg_s openvpn --dev tun --proto "$sp" --local "$SV4" --port "$port" --server 10.8.0.0 255.255.255.0 \
    --topology subnet --ca "$W/ca.pem" --cert "$W/server.pem" --key "$W/server.key" --dh none $4 --verb 3 >"$W/ovpn-s.log" 2>&1
  if [ "$proto" = tcp ]; then wait_tcp "$C" "$SV4" "$port"; else sleep 1; fi
  start_capture "$file"
  bg_c openvpn --client --dev tun --proto "$cp" --remote "$SV4" "$port" --nobind \
    --ca "$W/ca.pem" --cert "$W/client.pem" --key "$W/client.key" $5 --verb 3 >"$W/ovpn-c.log" 2>&1
  wait_log "$W/ovpn-c.log" 'Initialization Sequence Completed'
  in_c ping -c 3 -i 0.2 10.8.0.1 >/dev/null
  stop_capture "$file"; stop_bg
}

scenario_openvpn-udp() {
  openvpn_pki
  run_openvpn udp 1194 openvpn-udp.pcap "--tls-auth $W/ta.key 0" "--tls-auth $W/ta.key 1"
}

# --tls-crypt encrypts the control channel: the client's reset shows only its clear replay packet id.
scenario_openvpn-tlscrypt() {
  openvpn_pki
  run_openvpn udp 1194 openvpn-udp-tlscrypt.pcap "--tls-crypt $W/ta.key" "--tls-crypt $W/ta.key"
}

# OpenVPN over TCP on port 443, as VPNs do to pass firewalls that only let HTTPS out.
scenario_openvpn-tcp() {
  run_openvpn tcp 443 openvpn-tcp443.pcap "" ""
}

scenario_wireguard() {
  local sk ck
  sk=$(wg genkey); ck=$(wg genkey)
  bg_s env WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD=1 wireguard-go -f "wgs$ID"
  bg_c env WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD=1 wireguard-go -f "wgc$ID"
  sleep 1
  in_s wg set "wgs$ID" private-key <(echo "$sk") listen-port 51820 peer "$(echo "$ck" | wg pubkey)" allowed-ips 10.9.0.2/32
  in_c wg set "wgc$ID" private-key <(echo "$ck") peer "$(echo "$sk" | wg pubkey)" endpoint "[$SV6]:51820" allowed-ips 10.9.0.0/24
  in_s ip addr add 10.9.0.1/24 dev "wgs$ID"; in_s ip link set "wgs$ID" up
  in_c ip addr add 10.9.0.2/24 dev "wgc$ID"; in_c ip link set "wgc$ID" up
  start_capture wireguard-ipv6.pcap
  # The tunnel's inside too: a WireGuard interface has no link header (raw IP captures).
  ip netns exec "$S" tcpdump -U --immediate-mode -n -i "wgs$ID" -w "$OUT/wireguard-inner-raw.pcap" 2>"$W/cap2.err" & local inner=$!
  wait_log "$W/cap2.err" 'listening on'
  in_c ping -c 3 -i 0.2 10.9.0.1 >/dev/null
  sleep 0.5; kill -INT "$inner"; wait "$inner" || true
  stop_capture wireguard-ipv6.pcap; stop_bg
}

scenario_vnc() {
  local d=$((40 + ID % 50))
  bg_s Xvfb ":$d" -nolisten tcp -screen 0 320x240x24
  sleep 1
  bg_s x11vnc -display ":$d" -rfbport 5900 -listen "$SV4" -nopw -forever -shared -quiet -noxdamage
  wait_tcp "$C" "$SV4" 5900
  start_capture vnc.pcap
  in_c vncsnapshot -quiet "$SV4:0" "$W/snap.jpg" 2>/dev/null || true
  stop_capture vnc.pcap; stop_bg
}

scenario_rdp() {
  mkdir -p /run/xrdp/sockdir
  sed -e "s|^port=.*|port=tcp://$SV4:3389|" -e "s|^certificate=.*|certificate=$W/server.pem|" -e "s|^key_file=.*|key_file=$W/server.key|" \
    /etc/xrdp/xrdp.ini >"$W/xrdp.ini"
  bg_s xrdp --nodaemon --config "$W/xrdp.ini"
  wait_tcp "$C" "$SV4" 3389
  local d=$((40 + (ID + 7) % 50))
  bg_c Xvfb ":$d" -nolisten tcp -screen 0 640x480x24
  sleep 1
  start_capture rdp.pcap
  in_c env DISPLAY=":$d" timeout 12 xfreerdp "/v:$SV4" /u:fwtest /p:fwtest /cert:ignore /sec:tls +auth-only >/dev/null 2>&1 || true
  stop_capture rdp.pcap; stop_bg
}

# strongSwan's charon, one per namespace, each with its own configuration and control socket; the
# mount namespace that `ip netns exec` makes gets a private /run so the two pid files do not meet.
start_charon() { # ns side encap
  local ns=$1 side=$2 encap=$3 me peer myid peerid inner peerinner
  if [ "$side" = s ]; then me=$SV4; peer=$CV4; myid=server@fw.test; peerid=client@fw.test; inner=10.10.0.1; peerinner=10.10.0.2
  else me=$CV4; peer=$SV4; myid=client@fw.test; peerid=server@fw.test; inner=10.10.0.2; peerinner=10.10.0.1; fi
  ip netns exec "$ns" ip addr add "$inner/32" dev lo 2>/dev/null || true
  cat >"$W/$side-strongswan.conf" <<EOF
charon {
  filelog { stderr { default = 1 } }
  plugins {
    vici { socket = unix://$W/$side-vici.sock }
    bypass-lan { load = no }
  }
}
EOF
  cat >"$W/$side-swanctl.conf" <<EOF
connections {
  fw {
    version = 2
    local_addrs = $me
    remote_addrs = $peer
    encap = $encap
    proposals = aes128-sha256-ecp256
    local {
      auth = psk
      id = $myid
    }
    remote {
      auth = psk
      id = $peerid
    }
    children {
      host {
        local_ts = $inner/32
        remote_ts = $peerinner/32
        esp_proposals = aes128-sha256
      }
    }
  }
}
secrets {
  ike-fw {
    id-1 = server@fw.test
    id-2 = client@fw.test
    secret = "farmwatch-test-psk"
  }
}
EOF
  ip netns exec "$ns" env STRONGSWAN_CONF="$W/$side-strongswan.conf" \
    sh -c 'mount -t tmpfs fw-run /run && exec /usr/lib/ipsec/charon' >"$W/$side-charon.log" 2>&1 & PIDS+=($!)
  for _ in $(seq 1 50); do [ -S "$W/$side-vici.sock" ] && break; sleep 0.1; done
  ip netns exec "$ns" swanctl --load-all --file "$W/$side-swanctl.conf" --uri "unix://$W/$side-vici.sock" >/dev/null
}

run_ipsec() { # encap file
  start_charon "$S" s "$1"; start_charon "$C" c "$1"
  start_capture "$2"
  in_c swanctl --initiate --child host --uri "unix://$W/c-vici.sock" >"$W/initiate.log" 2>&1 || { tail -20 "$W/initiate.log" >&2; return 1; }
  in_c ping -c 3 -i 0.2 -I 10.10.0.2 10.10.0.1 >/dev/null
  stop_capture "$2"; stop_bg
}

# IKEv2, then ESP in UDP 4500 (NAT traversal forced, as clients behind home routers have it).
# charon's userspace ESP (kernel-libipsec, a TUN device) carries the tunnel: container kernels
# often lack the xfrm ESP modules, and libipsec always encapsulates ESP in UDP.
scenario_ipsec() {
  run_ipsec yes ipsec-ikev2-natt.pcap
}
# PPTP and L2TP: their control connections are set up by pptpd/pptp and xl2tpd in user space. The
# PPP sessions inside need the kernel's PPP driver, which a container often lacks; when it does,
# pppd fails after the tunnel is up and the captures hold the tunnel set-up, which is what the
# classifier reads.
scenario_pptp() {
  cat >"$W/pptpd.conf" <<EOF
option $W/pptpd-options
localip 10.11.0.1
remoteip 10.11.0.2-9
EOF
  printf 'name pptpd\nrefuse-pap\nrefuse-chap\nnodefaultroute\n' >"$W/pptpd-options"
  bg_s pptpd -f -c "$W/pptpd.conf" -l "$SV4" -p "$W/pptpd.pid"
  wait_tcp "$C" "$SV4" 1723
  start_capture pptp.pcap
  in_c timeout 8 pptp "$SV4" --nolaunchpppd --loglevel 0 </dev/null >/dev/null 2>&1 || true
  stop_capture pptp.pcap; stop_bg
}

scenario_l2tp() {
  printf '[global]\nlisten-addr = %s\nport = 1701\n[lns default]\nip range = 10.12.0.2-10.12.0.9\nlocal ip = 10.12.0.1\nrequire authentication = no\nppp debug = no\n' \
    "$SV4" >"$W/l2tp-s.conf"
  printf '[global]\nport = 1701\n[lac fw]\nlns = %s\nrequire authentication = no\nautodial = yes\nredial = no\n' "$SV4" >"$W/l2tp-c.conf"
  bg_s xl2tpd -D -c "$W/l2tp-s.conf" -p "$W/l2tp-s.pid" -C "$W/l2tp-s.ctl"
  sleep 1
  start_capture l2tp.pcap
  bg_c xl2tpd -D -c "$W/l2tp-c.conf" -p "$W/l2tp-c.pid" -C "$W/l2tp-c.ctl"
  sleep 4
  stop_capture l2tp.pcap; stop_bg
}

# Cisco AnyConnect's protocol: ocserv and the openconnect client (TLS on TCP 443, then DTLS on
# UDP 443 for the tunnel).
scenario_anyconnect() {
  printf 'fwpass\nfwpass\n' | ocpasswd -c "$W/ocpasswd" fwuser
  cat >"$W/ocserv.conf" <<EOF
auth = "plain[passwd=$W/ocpasswd]"
listen-host = $SV4
tcp-port = 443
udp-port = 443
run-as-user = root
run-as-group = root
socket-file = $W/ocserv.sock
pid-file = $W/ocserv.pid
server-cert = $W/server.pem
server-key = $W/server.key
isolate-workers = false
max-clients = 4
keepalive = 30
dpd = 60
try-mtu-discovery = false
device = vpns
ipv4-network = 10.13.0.0
ipv4-netmask = 255.255.255.0
dtls-legacy = true
EOF
  bg_s ocserv -f -c "$W/ocserv.conf"
  wait_tcp "$C" "$SV4" 443
  local pin
  pin=$(openssl x509 -pubkey -noout -in "$W/server.pem" | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64)
  start_capture anyconnect.pcap
  echo fwpass | ip netns exec "$C" timeout 10 openconnect --protocol=anyconnect --user=fwuser --passwd-on-stdin \
    --servercert "pin-sha256:$pin" --script /bin/true "https://$SV4/" >"$W/openconnect.log" 2>&1 &
  local oc=$!
  wait_log "$W/openconnect.log" 'DTLS connected' || true
  sleep 1; kill "$oc" 2>/dev/null || true; wait "$oc" 2>/dev/null || true
  stop_capture anyconnect.pcap; stop_bg
}

# TLS from a browser: Chromium's ClientHello carries a post-quantum key share (X25519MLKEM768) and
# no longer fits one TCP segment, so the server name arrives in the second one.
scenario_tls-chromium() {
  bg_s openssl s_server -quiet -accept 443 -cert "$W/server.pem" -key "$W/server.key" -www
  wait_tcp "$C" "$SV4" 443
  start_capture tls-chromium.pcap
  in_c timeout 30 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$W/chromium-tls" --disable-quic \
    --host-resolver-rules="MAP www.example.org $SV4" --ignore-certificate-errors --dump-dom https://www.example.org/ >/dev/null 2>&1 || true
  stop_capture tls-chromium.pcap; stop_bg
}

# QUIC: Chromium fetching a page over HTTP/3 from Caddy (which serves HTTP/3 by default).
scenario_quic() {
  cat >"$W/Caddyfile" <<EOF
{
  admin off
  auto_https off
  storage file_system $W/caddy
}
https://www.example.org:443 {
  bind $SV4
  tls $W/server.pem $W/server.key
  respond "hello over quic"
}
EOF
  bg_s env HOME="$W" XDG_DATA_HOME="$W" XDG_CONFIG_HOME="$W" caddy run --config "$W/Caddyfile" --adapter caddyfile >"$W/caddy.log" 2>&1
  wait_tcp "$C" "$SV4" 443
  local spki
  spki=$(openssl x509 -pubkey -noout -in "$W/server.pem" | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64)
  start_capture quic.pcap
  in_c timeout 30 chromium --ignore-certificate-errors-spki-list="$spki" --headless --no-sandbox --disable-gpu --user-data-dir="$W/chromium" \
    --enable-quic --origin-to-force-quic-on=www.example.org:443 --host-resolver-rules="MAP www.example.org $SV4" \
    --ignore-certificate-errors --dump-dom https://www.example.org/ >"$W/page.html" 2>"$W/chromium.log" || true
  grep -q 'hello over quic' "$W/page.html" || { say "chromium did not get the page:"; tail -5 "$W/chromium.log" >&2; }
  stop_capture quic.pcap; stop_bg
}

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
