# Capture scenarios for remote-display protocols beyond RDP and VNC that run on Debian: xpra, SPICE
# and NX (nx-libs, the protocol X2Go, Remmina's NX plugin and TheQVD carry); sourced by
# scripts/make-captures.sh, which provides the namespaces and helpers they use.

# xpra: a seamless remote desktop server on its own Xvfb, a client attaching over plain TCP on
# xpra's customary port 14500 and showing the session on an Xvfb of its own for a few seconds.
scenario_xpra() {
  local d=$((40 + (ID + 11) % 50)) cd=$((40 + (ID + 12) % 50))
  mkdir -p "$W/xpra-s" "$W/xpra-c"
  bg_s env XDG_RUNTIME_DIR="$W/xpra-s" xpra start ":$d" --bind-tcp="$SV4:14500" --daemon=no --mdns=no --pulseaudio=no \
    --notifications=no --dbus-proxy=no --dbus-control=no --webcam=no --printing=no --systemd-run=no --start-via-proxy=no \
    --html=off --socket-dirs="$W/xpra-s" --log-dir="$W/xpra-s" --xvfb="Xvfb -nolisten tcp -screen 0 640x480x24" >"$W/xpra-s.log" 2>&1
  wait_tcp "$C" "$SV4" 14500
  bg_c Xvfb ":$cd" -nolisten tcp -screen 0 640x480x24
  sleep 1
  start_capture xpra.pcap
  in_c env DISPLAY=":$cd" XDG_RUNTIME_DIR="$W/xpra-c" timeout 10 xpra attach "tcp://$SV4:14500/" --mdns=no --pulseaudio=no \
    --notifications=no --dbus-proxy=no --webcam=no --printing=no --socket-dirs="$W/xpra-c" >"$W/xpra-c.log" 2>&1 || true
  stop_capture xpra.pcap; stop_bg
}

# SPICE: QEMU's SPICE server (a paused VM with a QXL display, no disk) on port 5900, the first port
# libvirt's autoport gives a SPICE display, and `spicy` (spice-gtk) opening its channels (main,
# display, inputs, cursor...), each its own TCP connection starting with a link message.
scenario_spice() {
  bg_s qemu-system-x86_64 -machine pc -m 64 -nodefaults -vga qxl -display none -S \
    -spice "port=5900,addr=$SV4,disable-ticketing=on" >"$W/qemu.log" 2>&1
  wait_tcp "$C" "$SV4" 5900
  local cd=$((40 + (ID + 14) % 50))
  bg_c Xvfb ":$cd" -nolisten tcp -screen 0 800x600x24
  sleep 1
  start_capture spice.pcap
  in_c env DISPLAY=":$cd" timeout 8 spicy -h "$SV4" -p 5900 >"$W/spicy.log" 2>&1 || true
  stop_capture spice.pcap; stop_bg
}

# NX: nxagent (the nested X server of an X2Go or TheQVD session) listening for the proxy link on
# 4000 + display, as NX does, and nxproxy on the viewer's side connecting to it with the session's
# cookie and forwarding to the viewer's X server (an Xvfb). X2Go carries this same link inside SSH;
# here it runs in the open, as NoMachine NX 3 did for "unencrypted" sessions.
scenario_nx() {
  local d=$((40 + (ID + 15) % 50)) cd=$((40 + (ID + 16) % 50))
  local port=$((4000 + d)) cookie
  cookie=$(openssl rand -hex 16)
  bg_s env HOME="$W" nxagent -ac -nolisten tcp -display "nx/nx,link=lan,listen=$port,accept=$CV4,cookie=$cookie:$d" ":$d" >"$W/nxagent.log" 2>&1
  sleep 2
  bg_c Xvfb ":$cd" -nolisten tcp -screen 0 800x600x24
  sleep 1
  start_capture nx.pcap
  in_c env HOME="$W" DISPLAY=":$cd" timeout 10 nxproxy -S "nx/nx,link=lan,connect=$SV4,port=$port,cookie=$cookie:$d" >"$W/nxproxy.log" 2>&1 || true
  stop_capture nx.pcap; stop_bg
}
