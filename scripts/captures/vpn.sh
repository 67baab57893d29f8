# Capture scenarios for VPN tunnels; sourced by scripts/make-captures.sh, which provides the
# namespaces and helpers they use.

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
