#!/usr/bin/env bash
# `foyer-admin expose` against a real UPnP IGD: Debian's miniupnpd (nftables
# backend) in a network namespace that plays the home router, foyer-admin in
# another that plays the Foyer machine on the LAN:
#
#   [foyer-lan-N] lan0 10.77.0.2 --veth-- 10.77.0.1 lan0 [foyer-igd-N] wan0 85.10.20.30
#
# Checks that the TLS ports read from a setup configuration are mapped (the
# router's nftables DNAT rules appear), shown, removed, and that foyer-admin
# says clearly when no IGD answers. Needs root (network namespaces, nftables);
# exits 77 (skipped) with the reason otherwise. Always removes the namespaces
# and stops miniupnpd.
#
# Usage: expose_miniupnpd_test.sh FOYER_ADMIN
set -uo pipefail

admin="${1:?usage: $0 FOYER_ADMIN}"

skip() {
  echo "SKIPPED: $*" >&2
  exit 77
}

[[ "$(id -u)" -eq 0 ]] || skip "needs root for network namespaces and nftables (CI runs as root)"
for tool in ip nft miniupnpd; do
  command -v "$tool" >/dev/null 2>&1 \
    || skip "$tool not installed (scripts/setup installs iproute2, nftables, miniupnpd-nftables)"
done

router="foyer-igd-$$"
lan="foyer-lan-$$"
work="$(mktemp -d "${TMPDIR:-/tmp}/foyer-expose-XXXXXX")"
igd_pid=""

cleanup() {
  if [[ -n "$igd_pid" ]]; then
    kill "$igd_pid" 2>/dev/null
    wait "$igd_pid" 2>/dev/null
  fi
  ip netns del "$router" 2>/dev/null
  ip netns del "$lan" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# The two namespaces and the link between them.
ip netns add "$router" 2>/dev/null || skip "cannot create a network namespace here"
ip netns add "$lan" || skip "cannot create a network namespace here"
ip link add "fyr$$" type veth peer name "fyl$$" || skip "cannot create veth interfaces here"
ip link set "fyr$$" netns "$router"
ip link set "fyl$$" netns "$lan"
ip -n "$router" link set "fyr$$" name lan0
ip -n "$lan" link set "fyl$$" name lan0
# The router's internet side: a veth pair inside the router namespace (no
# dummy module needed), holding the "public" address.
ip -n "$router" link add wan0 type veth peer name wan1
ip -n "$router" addr add 10.77.0.1/24 dev lan0
ip -n "$router" addr add 85.10.20.30/24 dev wan0
ip -n "$lan" addr add 10.77.0.2/24 dev lan0
for link in lo lan0 wan0 wan1; do ip -n "$router" link set "$link" up; done
for link in lo lan0; do ip -n "$lan" link set "$link" up; done
ip -n "$lan" route add default via 10.77.0.1

# The chains miniupnpd's nftables backend fills, as Debian's
# /etc/miniupnpd/nft_init.sh makes them: one inet table "filter" with the
# forward rules (chain miniupnpd) and the DNAT rules (prerouting_miniupnpd).
cat > "$work/rules.nft" <<'EOF'
table inet filter {
  chain miniupnpd {
  }
  chain prerouting_miniupnpd {
  }
  chain postrouting_miniupnpd {
  }
  chain forward {
    type filter hook forward priority 0; policy drop;
    jump miniupnpd
  }
  chain prerouting {
    type nat hook prerouting priority -100; policy accept;
    jump prerouting_miniupnpd
  }
  chain postrouting {
    type nat hook postrouting priority 100; policy accept;
    jump postrouting_miniupnpd
  }
}
EOF
ip netns exec "$router" nft -f "$work/rules.nft" || skip "nftables does not work in a namespace here"

cat > "$work/miniupnpd.conf" <<EOF
ext_ifname=wan0
listening_ip=lan0
http_port=5555
enable_natpmp=no
enable_upnp=yes
secure_mode=yes
system_uptime=no
lease_file=$work/leases
uuid=6a0b7a4e-3c3d-4c1e-9d0f-466f79657221
allow 1024-65535 10.77.0.0/24 1024-65535
deny 0-65535 0.0.0.0/0 0-65535
EOF

ip netns exec "$router" miniupnpd -f "$work/miniupnpd.conf" -d -P "$work/miniupnpd.pid" \
  > "$work/miniupnpd.log" 2>&1 &
igd_pid=$!
for _ in $(seq 50); do
  grep -q "HTTP listening" "$work/miniupnpd.log" && break
  sleep 0.1
done
grep -q "HTTP listening" "$work/miniupnpd.log" || {
  cat "$work/miniupnpd.log" >&2
  skip "miniupnpd did not start here"
}

# A configuration as `foyer-admin setup` writes it (TLS on 18883, 18884, 18443).
mkdir -p "$work/etc"
cat > "$work/etc/mosquitto.conf" <<'EOF'
listener 11883 127.0.0.1
socket_domain ipv4
listener 18883 0.0.0.0
socket_domain ipv4
certfile /etc/foyer/tls/server.crt
listener 18884 ::
protocol websockets
socket_domain ipv6
certfile /etc/foyer/tls/server.crt
EOF
cat > "$work/etc/foyer.conf" <<'EOF'
data_dir = /var/lib/foyer
[gateway]
port = 18443
tls_cert = /etc/foyer/tls/server.crt
tls_key = /etc/foyer/tls/server.key
EOF

run_admin() {
  ip netns exec "$lan" "$admin" expose --config-dir "$work/etc" --wait-ms 500 "$@" \
    > "$work/out" 2>&1
}
dnat_rules() {
  ip netns exec "$router" nft list ruleset | grep -c "dnat.*10\.77\.0\.2:18[48][48][34]"
}

# 1. Map the ports.
run_admin || fail "expose exited $?: $(cat "$work/out")"
cat "$work/out"
grep -q "External address: 85.10.20.30" "$work/out" || fail "no external address shown"
for port in 18443 18883 18884; do
  grep -q "^$port  *10.77.0.2:$port  *Foyer" "$work/out" || fail "port $port not shown as mapped"
done
[[ "$(dnat_rules)" -eq 3 ]] || fail "expected 3 DNAT rules on the router, got $(dnat_rules)"
grep -q "11883" "$work/out" && fail "a plain port was mapped"

# 2. Again: kept as they are.
run_admin || fail "second expose exited $?"
grep -q "already forwarded to this machine" "$work/out" || fail "second run did not see its mappings"
[[ "$(dnat_rules)" -eq 3 ]] || fail "second run changed the router's rules"

# 3. Remove them.
run_admin --remove || fail "expose --remove exited $?: $(cat "$work/out")"
cat "$work/out"
[[ "$(grep -c "mapping removed" "$work/out")" -eq 3 ]] || fail "not every mapping removed"
[[ "$(dnat_rules)" -eq 0 ]] || fail "DNAT rules left on the router after --remove"
run_admin --show || fail "expose --show exited $?"
[[ "$(grep -c "(not mapped)" "$work/out")" -eq 3 ]] || fail "--show still lists mappings"

# 4. No router: a clear error, exit code 1.
kill "$igd_pid"
wait "$igd_pid" 2>/dev/null
igd_pid=""
run_admin
code=$?
[[ "$code" -eq 1 ]] || fail "expose without a router exited $code, expected 1"
grep -q "no UPnP device answered" "$work/out" || fail "unclear error without a router: $(cat "$work/out")"

if [[ "$failures" -ne 0 ]]; then
  echo "miniupnpd log:" >&2
  cat "$work/miniupnpd.log" >&2
  exit 1
fi
echo "expose against miniupnpd: OK"
