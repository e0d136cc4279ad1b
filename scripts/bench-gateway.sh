#!/usr/bin/env bash
# Gateway benchmark: throughput and latency of a gateway node enforcing key-auth, beside nginx as a
# plain reverse proxy, the standard library's reverse proxy alone and the upstream reached directly; the node's memory with 100,000 keys; and
# how long a change made through the API takes to reach traffic.
#
# It builds the binary, starts a fresh backend, seeds it through internal/client (scripts/benchgateway)
# with 10,000 keys for the throughput run and 100,000 keys for the memory run, starts a Go upstream
# on loopback, nginx with a generated configuration (keepalive to the upstream, no access log, every
# path in the work directory) and the node, then runs wrk (2 threads, 10 s, --latency) at 8 and 64
# connections against each. wrk and nginx are installed with apt-get when missing.
#
#   make bench-gateway                      everything
#   GATEWAY_BENCH=enforce make bench-gateway   only the change-to-enforcement benchmark
#   DURATION=10s CONNECTIONS="8 64" KEYS=10000 MEMORY_KEYS=100000 ENFORCE_CHANGES=50 tune it;
#   KEEP=1 keeps the work directory.
set -euo pipefail
. "$(dirname "$0")/lib/backend.sh"
. "$(dirname "$0")/lib/gateway.sh"

duration=${DURATION:-10s}
connections=${CONNECTIONS:-8 64}
keys=${KEYS:-10000}
memory_keys=${MEMORY_KEYS:-100000}
enforce_changes=${ENFORCE_CHANGES:-50}

# The one-line way to measure change-to-enforcement latency alone; it starts a backend in-process.
enforce_command="TF_ACC=1 KONNECT_SPECS_DIR= go test -count=1 -run '^\$' -bench BenchmarkChangeEnforced -benchtime ${enforce_changes}x ./internal/gateway/e2e/"
run_enforce() {
	echo "==> change-to-enforcement latency ($enforce_changes key creations and deletions through the API, polled every 5 ms)"
	echo "    $enforce_command"
	# No document checks here: they would add their own time to every answer of the backend.
	(cd "$devportal_root" && TF_ACC=1 KONNECT_SPECS_DIR='' go test -count=1 -run '^$' -bench BenchmarkChangeEnforced \
		-benchtime "${enforce_changes}x" ./internal/gateway/e2e/) | grep -E '^(Benchmark|ok|FAIL|---)' | sed 's/^/    /'
}
if [ "${GATEWAY_BENCH:-all}" = enforce ]; then
	run_enforce
	exit 0
fi

# Tools: wrk and nginx from the distribution when they are missing.
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
if [ ${#missing[@]} -gt 0 ]; then
	echo "==> installing ${missing[*]} with apt-get (they are missing)"
	sudo=""
	[ "$(id -u)" = 0 ] || sudo=sudo
	apt_log=$(mktemp)
	if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"; } >"$apt_log" 2>&1; then
		cat "$apt_log" >&2
		echo "could not install ${missing[*]}: install them and run again" >&2
		exit 1
	fi
	rm -f "$apt_log"
fi
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

# The database and logs live in memory when /dev/shm is there: seeding writes 110,000 keys and
# waits on no disk that way.
if [ -z "${BENCH_DIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
	work=$(mktemp -d /dev/shm/devportal-bench-gateway.XXXXXX)
else
	work="${BENCH_DIR:-$devportal_root/.bench-gateway}"
fi
devportal_setup "$work"
(cd "$devportal_root" && go build -o "$work/bin/benchgateway" ./scripts/benchgateway)

upstream_pid="" nginx_pid="" plain_pid=""
cleanup() {
	devportal_stop_gateway
	for pid in "$plain_pid" "$nginx_pid" "$upstream_pid"; do
		if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
			kill -TERM "$pid" 2>/dev/null || true
			wait "$pid" 2>/dev/null || true
		fi
	done
	devportal_stop_backend
	if [ "${KEEP:-0}" != 1 ]; then rm -rf "$work"; fi
}
trap cleanup EXIT

# wait_http URL [HEADER] waits, at most 10 seconds, for URL to answer 200.
wait_http() {
	for _ in $(seq 1 100); do
		[ "$(curl -s -o /dev/null -w '%{http_code}' ${2:+-H "$2"} "$1" || true)" = 200 ] && return 0
		sleep 0.1
	done
	echo "$1 did not answer 200 within 10 seconds" >&2
	return 1
}

echo "==> starting the upstream (Go, loopback)"
"$work/bin/benchgateway" upstream --listen 127.0.0.1:0 >"$work/upstream.log" 2>&1 &
upstream_pid=$!
upstream_url=""
for _ in $(seq 1 100); do
	upstream_url=$(grep -Eo 'http://127\.0\.0\.1:[0-9]+' "$work/upstream.log" | head -n 1 || true)
	[ -n "$upstream_url" ] && break
	sleep 0.1
done
[ -n "$upstream_url" ] || { echo "the upstream did not start:" >&2; cat "$work/upstream.log" >&2; exit 1; }
upstream_port=${upstream_url##*:}
echo "    $upstream_url"

seed() {
	"$work/bin/benchgateway" seed --server-url "$DEVPORTAL_SERVER_URL" --upstream-port "$upstream_port" --name "$1" --keys "$2"
}
echo "==> seeding $keys keys through the API"
eval "$(seed bench-throughput "$keys" | sed 's/^/throughput_/')"
echo "    $keys keys in ${throughput_seed_seconds}s"
echo "==> seeding $memory_keys keys through the API, for the memory run"
eval "$(seed bench-memory "$memory_keys" | sed 's/^/memory_/')"
echo "    $memory_keys keys in ${memory_seed_seconds}s"

echo "==> starting nginx as a plain reverse proxy (configuration in $work/nginx)"
nginx_port=$("$work/bin/benchgateway" free-port)
mkdir -p "$work/nginx/tmp"
cat >"$work/nginx/nginx.conf" <<CONF
daemon off;
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx/tmp/body;
  proxy_temp_path $work/nginx/tmp/proxy;
  fastcgi_temp_path $work/nginx/tmp/fastcgi;
  uwsgi_temp_path $work/nginx/tmp/uwsgi;
  scgi_temp_path $work/nginx/tmp/scgi;
  upstream bench { server 127.0.0.1:$upstream_port; keepalive 128; }
  server {
    listen 127.0.0.1:$nginx_port;
    location /bench {
      proxy_pass http://bench/;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
CONF
"$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" &
nginx_pid=$!
nginx_url="http://127.0.0.1:$nginx_port/bench"
wait_http "$nginx_url"
echo "    $nginx_url (pid $nginx_pid)"

# The standard library's reverse proxy alone, with no routing, auth or metrics: what the node's
# own work costs shows as the gap between it and the node.
echo "==> starting the standard library's reverse proxy alone (goproxy), the node's floor"
"$work/bin/benchgateway" plain-proxy --listen 127.0.0.1:0 --upstream "$upstream_url" >"$work/plain-proxy.log" 2>&1 &
plain_pid=$!
plain_url=""
for _ in $(seq 1 100); do
	plain_url=$(grep -Eo 'http://127\.0\.0\.1:[0-9]+' "$work/plain-proxy.log" | head -n 1 || true)
	[ -n "$plain_url" ] && break
	sleep 0.1
done
[ -n "$plain_url" ] || { echo "the plain proxy did not start:" >&2; cat "$work/plain-proxy.log" >&2; exit 1; }
plain_url="$plain_url/"
wait_http "$plain_url"
echo "    $plain_url (pid $plain_pid)"

echo "==> starting the gateway node with the $keys keys (access log off, as nginx's)"
devportal_start_gateway "$work" "$throughput_control_plane_id" "$throughput_node_token" \
	--hostname bench-throughput --cache-dir "$work/cache-throughput" --access-log off
devportal_wait_gateway_in_sync "$work" "$throughput_control_plane_id"
node_url="$gateway_url/bench"
key_header="apikey: $throughput_key"
wait_http "$node_url" "$key_header"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$node_url")" = 401 ] || { echo "the node lets requests without a key through" >&2; exit 1; }

# to_ms VALUE turns wrk's 123.45us / 1.23ms / 1.02s into milliseconds.
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'; }
declare -A rps p50 p99
# bench NAME CONNECTIONS URL [HEADER] runs wrk and records requests/s and the p50 and p99 latency.
bench() {
	local name=$1 conns=$2 url=$3 header=${4:-} out
	out=$(wrk -t2 -c"$conns" -d"$duration" --latency ${header:+-H "$header"} "$url")
	if printf '%s\n' "$out" | grep -qE 'Non-2xx|Socket errors'; then
		echo "wrk saw errors against $name:" >&2
		printf '%s\n' "$out" >&2
		exit 1
	fi
	rps[$name,$conns]=$(printf '%s\n' "$out" | awk '/^Requests\/sec:/ { printf "%.0f", $2 }')
	p50[$name,$conns]=$(to_ms "$(printf '%s\n' "$out" | awk '$1 == "50%" { print $2 }')")
	p99[$name,$conns]=$(to_ms "$(printf '%s\n' "$out" | awk '$1 == "99%" { print $2 }')")
	printf '    %-8s %5s %12s %10s %10s\n' "$name" "$conns" "${rps[$name,$conns]}" "${p50[$name,$conns]}" "${p99[$name,$conns]}"
}

echo "==> wrk -t2 -d$duration --latency (a short warm-up first; load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs:"
echo "    wrk, the upstream, nginx and the node share them, and other work there widens every p99)"
for url in "$upstream_url/" "$nginx_url" "$plain_url" "$node_url"; do
	wrk -t2 -c8 -d2s -H "$key_header" "$url" >/dev/null
done
printf '    %-8s %5s %12s %10s %10s\n' target conns "requests/s" "p50 ms" "p99 ms"
for c in $connections; do
	bench direct "$c" "$upstream_url/"
	bench nginx "$c" "$nginx_url"
	bench goproxy "$c" "$plain_url"
	bench node "$c" "$node_url" "$key_header"
done
devportal_stop_gateway

echo "==> memory: a gateway node with the $memory_keys keys"
devportal_start_gateway "$work" "$memory_control_plane_id" "$memory_node_token" \
	--hostname bench-memory --cache-dir "$work/cache-memory" --access-log off
devportal_wait_gateway_in_sync "$work" "$memory_control_plane_id"
wait_http "$gateway_url/bench" "apikey: $memory_key"
wrk -t2 -c8 -d3s -H "apikey: $memory_key" "$gateway_url/bench" >/dev/null
loaded=$(curl -s "$gateway_status_url/status" | sed -n 's/.*"keys": *\([0-9]*\).*/\1/p')
rss_kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$gateway_pid/status")
devportal_stop_gateway

first=${connections%% *}
awk -v node="${rps[node,$first]}" -v nginx="${rps[nginx,$first]}" -v plain="${rps[goproxy,$first]}" -v np99="${p99[node,$first]}" -v dp99="${p99[direct,$first]}" \
	-v rss="$rss_kb" -v loaded="$loaded" -v c="$first" '
function verdict(ok) { return ok ? "met" : "NOT met" }
BEGIN {
	ratio = node / nginx; added = np99 - dp99; mb = rss / 1024
	print "==> results"
	printf "    node/nginx throughput at %d connections: %.2f (goal >= 0.7: %s)\n", c, ratio, verdict(ratio >= 0.7)
	printf "    goproxy/nginx throughput at %d connections: %.2f; node/goproxy: %.2f (what routing, auth and metrics cost)\n", c, plain / nginx, node / plain
	printf "    node p99 - direct p99 at %d connections: %.3f ms (goal < 1 ms: %s)\n", c, added, verdict(added < 1)
	printf "    node RSS with %d keys loaded: %.1f MB (goal < 100 MB: %s)\n", loaded, mb, verdict(mb < 100)
}'

run_enforce
echo "    (alone: GATEWAY_BENCH=enforce make bench-gateway)"
