#!/usr/bin/env bash
# Quickstart: build the provider, start the bundled backend on loopback with a fresh database, apply
# examples/quickstart against it, print what was created, start a gateway node of the quickstart's
# control plane and send three requests through it with curl (no key, the key of an application
# waiting for approval, the key of an approved one), then destroy everything and stop the processes.
# The backend mails developers through Mailpit, started here (and installed with go install when
# missing); the script prints its inbox and the portal's website. KEEP=1 leaves the objects, the
# backend, Mailpit and the node running and prints how to continue by hand; DEMO_DIR chooses the
# working directory (default .demo). Needs curl besides Go and Terraform.
set -euo pipefail
. "$(dirname "$0")/lib/backend.sh"
. "$(dirname "$0")/lib/gateway.sh"

command -v curl >/dev/null || { echo "curl is required" >&2; exit 1; }

work="${DEMO_DIR:-$devportal_root/.demo}"
stop_all() {
	devportal_stop_gateway
	devportal_stop_backend
	devportal_stop_mailpit
}
if [ "${KEEP:-0}" != 1 ]; then
	trap stop_all EXIT
fi
devportal_mail=mailpit
devportal_setup "$work"

state="$work/terraform.tfstate"
# The Orders service is the backend's own /healthz, on the port it chose.
port_var="orders_upstream_port=${DEVPORTAL_SERVER_URL##*:}"
tf() { terraform -chdir="$devportal_root/examples/quickstart" "$@"; }

echo "==> terraform apply (examples/quickstart)"
tf apply -auto-approve -input=false -state="$state" -var "$port_var" -compact-warnings >"$work/apply.log" ||
	{ cat "$work/apply.log" >&2; exit 1; }
grep -E '^Apply complete' "$work/apply.log" | sed 's/^/    /'

echo "==> outputs: where the managed application auth plugin is applied"
tf output -state="$state"

# The backend serves each portal's website at the portal's domain, on its own port: *.localhost
# names resolve to this machine in browsers and curl.
portal_site="$(tf output -state="$state" -raw portal_url)/"
echo "==> the portal's website and the developers' mail"
echo "    portal website: $portal_site"
echo "    mail inbox (Mailpit): $mailpit_url"

echo "==> terraform plan again: nothing should change"
tf plan -input=false -detailed-exitcode -state="$state" -var "$port_var" -compact-warnings >/dev/null
echo "    no changes"

echo "==> a gateway node of the control plane, with the node token"
control_plane=$(tf output -state="$state" -raw control_plane_id)
devportal_start_gateway "$work" "$control_plane" "$(tf output -state="$state" -raw gateway_node_token)"
devportal_wait_gateway_in_sync "$work" "$control_plane"

echo "==> requests through the gateway node (paste them while it runs, with KEEP=1)"
keys=$(tf output -state="$state" -json api_keys)
approved_key=$(printf '%s' "$keys" | json_string approved)
pending_key=$(printf '%s' "$keys" | json_string pending)
# try WANT WHY URL [HEADER] prints a curl line a reader can paste and the status it got, and stops
# on another status.
try() {
	local want=$1 why=$2 url=$3 header=${4:-} got
	local args=(-sS -o "$work/answer.txt" -w '%{http_code}')
	if [ -n "$header" ]; then
		args+=(-H "$header")
		echo "    \$ curl -i -H '$header' $url"
	else
		echo "    \$ curl -i $url"
	fi
	got=$(curl "${args[@]}" "$url")
	echo "      HTTP $got ($why): $(head -c 200 "$work/answer.txt")"
	if [ "$got" != "$want" ]; then
		echo "expected HTTP $want; the node's log:" >&2
		cat "$work/gateway.log" >&2
		exit 1
	fi
}
try 401 "no key" "$gateway_url/orders"
try 403 "the registration of orders-sandbox waits for approval" "$gateway_url/orders" "apikey: $pending_key"
try 200 "orders-dashboard is approved; the upstream is the backend's /healthz" "$gateway_url/orders" "apikey: $approved_key"

if [ "${KEEP:-0}" = 1 ]; then
	cat <<MSG

The backend (pid $backend_pid), Mailpit (pid $mailpit_pid) and the gateway node (pid $gateway_pid)
keep running with the objects in place. Open the portal's website at $portal_site and read the
mail it sends developers at $mailpit_url. The node's status is at $gateway_status_url/status and
its metrics at $gateway_status_url/metrics. To continue by hand:
  export TF_CLI_CONFIG_FILE=$TF_CLI_CONFIG_FILE
  export DEVPORTAL_SERVER_URL=$DEVPORTAL_SERVER_URL
  export DEVPORTAL_TOKEN=\$(cat $work/admin-token)
  terraform -chdir=examples/quickstart output -state=$state -json api_keys
  terraform -chdir=examples/quickstart destroy -state=$state -var $port_var
  kill $gateway_pid $backend_pid $mailpit_pid
Once developers have signed up to the portal, the destroy is refused until you set
force_destroy = true on devportal_portal.partners and apply.
MSG
	exit 0
fi

echo "==> terraform destroy"
devportal_stop_gateway
tf destroy -auto-approve -input=false -state="$state" -var "$port_var" -compact-warnings >/dev/null
echo "    destroyed; stopping the backend"
