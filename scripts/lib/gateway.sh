# shellcheck shell=bash
# Shared by the scripts in scripts/: run a gateway node of the build that scripts/lib/backend.sh
# made, next to the backend it started. Source backend.sh first, then this file.
#
#   devportal_start_gateway WORKDIR CONTROL_PLANE_ID NODE_TOKEN [flags...]
#       starts `terraform-provider-devportal gateway` on free loopback ports, with its log in
#       WORKDIR/gateway.log and its access log in WORKDIR/gateway-access.log; sets gateway_pid,
#       gateway_url (the proxy) and gateway_status_url.
#   devportal_wait_gateway_in_sync WORKDIR CONTROL_PLANE_ID
#       waits, at most 30 seconds, until /status says ready with the hash the backend expects.
#   devportal_stop_gateway
#       stops it (SIGTERM, then waits for it).

devportal_start_gateway() {
	local work=$1 control_plane=$2 token=$3
	shift 3
	# The node reads its token from the environment only, never from a flag.
	DEVPORTAL_TOKEN="$token" "$work/bin/terraform-provider-devportal" gateway \
		--server-url "$DEVPORTAL_SERVER_URL" --region us --control-plane "$control_plane" \
		--listen 127.0.0.1:0 --status-listen 127.0.0.1:0 --cache-dir "$work/gateway-cache" \
		--hostname quickstart-node "$@" >"$work/gateway-access.log" 2>"$work/gateway.log" &
	gateway_pid=$!

	gateway_url="" gateway_status_url=""
	for _ in $(seq 1 100); do
		gateway_url=$(grep -Eo 'proxy=http://127\.0\.0\.1:[0-9]+' "$work/gateway.log" | head -n 1 | cut -d= -f2 || true)
		gateway_status_url=$(grep -Eo 'status=http://127\.0\.0\.1:[0-9]+' "$work/gateway.log" | head -n 1 | cut -d= -f2 || true)
		[ -n "$gateway_url" ] && [ -n "$gateway_status_url" ] && break
		if ! kill -0 "$gateway_pid" 2>/dev/null; then
			echo "the gateway node exited early; its log:" >&2
			cat "$work/gateway.log" >&2
			return 1
		fi
		sleep 0.1
	done
	if [ -z "$gateway_url" ] || [ -z "$gateway_status_url" ]; then
		echo "the gateway node did not report its addresses within 10 seconds; its log:" >&2
		cat "$work/gateway.log" >&2
		return 1
	fi
	echo "    gateway node proxying on $gateway_url, status on $gateway_status_url (pid $gateway_pid)"
}

# json_string FIELD reads a string field of a flat JSON object on stdin, without jq.
json_string() { sed -n "s/.*\"$1\" *: *\"\([^\"]*\)\".*/\1/p"; }

devportal_wait_gateway_in_sync() {
	local work=$1 control_plane=$2 expected="" status=""
	for _ in $(seq 1 300); do
		expected=$(curl -sf -H "Authorization: Bearer $DEVPORTAL_TOKEN" \
			"$DEVPORTAL_SERVER_URL/v2/control-planes/$control_plane/expected-config-hash" | json_string expected_hash || true)
		status=$(curl -sf "$gateway_status_url/status" || true)
		if [ -n "$expected" ] && printf '%s' "$status" | grep -q '"ready": *true' &&
			[ "$(printf '%s' "$status" | json_string config_hash)" = "$expected" ]; then
			echo "    gateway node ready, running configuration ${expected:0:12}…"
			return 0
		fi
		sleep 0.1
	done
	echo "the gateway node did not run configuration '$expected' within 30 seconds; /status: $status" >&2
	cat "$work/gateway.log" >&2 || true
	return 1
}

devportal_stop_gateway() {
	if [ -n "${gateway_pid:-}" ] && kill -0 "$gateway_pid" 2>/dev/null; then
		kill -TERM "$gateway_pid" 2>/dev/null || true
		wait "$gateway_pid" 2>/dev/null || true
	fi
}
