# Capture scenarios for remote desktops, SSH and ordinary traffic; sourced by
# scripts/make-captures.sh, which provides the namespaces and helpers they use.

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

# More remote-support relays, by the server names their clients send (each a name of the shape the
# catalog lists for the tool): Splashtop's relays, a ScreenConnect (ConnectWise Control) cloud
# instance's relay, Chrome Remote Desktop's API and Parsec's signalling service, pointed at our own
# server.
scenario_tls-relays() {
  bg_s openssl s_server -quiet -accept 443 -cert "$W/server.pem" -key "$W/server.key" -www
  wait_tcp "$C" "$SV4" 443
  start_capture tls-relays.pcap
  for name in st-relay-1.relay.splashtop.com instance-0a1b2c-relay.screenconnect.com remotedesktop-pa.googleapis.com kessel-ws.parsec.app; do
    in_c openssl s_client -brief -connect "$SV4:443" -servername "$name" </dev/null >/dev/null 2>&1 || true
  done
  stop_capture tls-relays.pcap; stop_bg
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
  sed -e "s|^port=.*|port=tcp://$SV4:3389|" -e "s|^fork=.*|fork=false|" -e "s|^certificate=.*|certificate=$W/server.pem|" -e "s|^key_file=.*|key_file=$W/server.key|" \
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
