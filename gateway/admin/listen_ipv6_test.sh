#!/usr/bin/env bash
# IPv4 and IPv6 on every TLS listener: `foyer-admin setup --listen
# 127.0.0.1,::1`, then mosquitto with the real plugin and foyer-gateway from
# that configuration, and over both ::1 and 127.0.0.1:
#   MQTT over TLS      mosquitto_sub (certificate checked) gets to the login
#   secure WebSockets  curl's WebSocket upgrade is answered 101
#   HTTPS              curl GET /healthz answers 200 (the gateway reached the broker)
# and the plain ports listen on loopback only. Loopback only; own free ports
# and temporary directory; stops what it starts. Exits 77 (skipped) where the
# machine has no IPv6 loopback.
#
# Usage: listen_ipv6_test.sh FOYER_ADMIN FOYER_GATEWAY MOSQUITTO PLUGIN
set -uo pipefail

admin="$1" gateway="$2" mosquitto="$3" plugin="$4"

skip() {
  echo "SKIPPED: $*" >&2
  exit 77
}
python3 -c 'import socket; s = socket.socket(socket.AF_INET6); s.bind(("::1", 0))' 2>/dev/null \
  || skip "no IPv6 loopback (::1) on this machine"
for tool in curl mosquitto_sub python3; do
  command -v "$tool" >/dev/null 2>&1 || skip "$tool not installed (scripts/setup installs it)"
done

work="$(mktemp -d "${TMPDIR:-/tmp}/foyer-ipv6-XXXXXX")"
broker_pid="" gateway_pid=""
cleanup() {
  for pid in $gateway_pid $broker_pid; do
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  rm -rf "$work"
}
trap cleanup EXIT

failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# Six ports free on both 127.0.0.1 and ::1.
read -r mqtts wss https mqtt ws http < <(python3 - <<'EOF'
import socket
ports, held = [], []
while len(ports) < 6:
    four = socket.socket(socket.AF_INET)
    four.bind(("127.0.0.1", 0))
    port = four.getsockname()[1]
    six = socket.socket(socket.AF_INET6)
    try:
        six.bind(("::1", port))
    except OSError:
        four.close()
        continue
    held += [four, six]
    ports.append(port)
print(*ports)
EOF
)

"$admin" setup --non-interactive --household Test --data-dir "$work/data" \
  --config-dir "$work/etc" --listen 127.0.0.1,::1 --mqtts-port "$mqtts" --wss-port "$wss" \
  --https-port "$https" --mqtt-port "$mqtt" --ws-port "$ws" --http-port "$http" \
  --hostname localhost --ip 127.0.0.1 --ip ::1 --public-host 127.0.0.1 \
  --run-user "$(id -un)" --plugin "$plugin" > "$work/setup.log" 2>&1 \
  || { cat "$work/setup.log" >&2; echo "FAIL: setup" >&2; exit 1; }
ca="$work/etc/tls/ca.crt"

"$mosquitto" -c "$work/etc/mosquitto.conf" > "$work/broker.log" 2>&1 &
broker_pid=$!
# The gateway's credential appears once the plugin is up.
for _ in $(seq 100); do
  [[ -s "$work/data/gateway.key" ]] && grep -q "foyer: plugin ready" "$work/broker.log" && break
  sleep 0.1
done
"$gateway" --config "$work/etc/foyer.conf" > "$work/gateway.log" 2>&1 &
gateway_pid=$!

healthz() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 3 --cacert "$ca" "https://$1:$https/healthz"
}
for _ in $(seq 100); do
  [[ "$(healthz 127.0.0.1)" == 200 ]] && break
  sleep 0.1
done

for host in ::1 127.0.0.1; do
  url_host="$host"
  [[ "$host" == *:* ]] && url_host="[$host]"
  # MQTT over TLS: the handshake (certificate and its ::1 / 127.0.0.1 name
  # checked) and the MQTT CONNECT get through; the login is refused.
  out="$(mosquitto_sub -h "$host" -p "$mqtts" --cafile "$ca" -u nobody -P nothing -t x -C 1 \
    -W 5 -V mqttv311 2>&1)"
  [[ "$out" == *"not authorised"* ]] || fail "MQTT/TLS over $host: $out"
  # Secure WebSockets: the upgrade to MQTT over WebSockets is accepted.
  code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 --http1.1 --cacert "$ca" \
    -H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13' \
    -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' -H 'Sec-WebSocket-Protocol: mqtt' \
    "https://$url_host:$wss/mqtt")"
  [[ "$code" == 101 ]] || fail "secure WebSockets over $host answered $code, expected 101"
  # HTTPS.
  code="$(healthz "$url_host")"
  [[ "$code" == 200 ]] || fail "HTTPS over $host answered $code, expected 200"
done

# Plain ports: loopback only.
for port in "$mqtt" "$ws"; do
  listening="$(ss -ltnH "sport = :$port" | awk '{print $4}')"
  [[ -n "$listening" ]] || fail "nothing listens on the plain port $port"
  for address in $listening; do
    [[ "$address" == "127.0.0.1:$port" || "$address" == "[::1]:$port" ]] \
      || fail "plain port $port listens on $address"
  done
done

if [[ "$failures" -ne 0 ]]; then
  echo "--- mosquitto.conf" >&2; cat "$work/etc/mosquitto.conf" >&2
  echo "--- broker log" >&2; tail -30 "$work/broker.log" >&2
  echo "--- gateway log" >&2; tail -30 "$work/gateway.log" >&2
  exit 1
fi
echo "IPv4 and IPv6 on every TLS listener: OK"
