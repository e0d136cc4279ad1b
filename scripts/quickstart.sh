#!/usr/bin/env bash
# Quickstart: build the provider, start the bundled backend on loopback with a fresh database, apply
# examples/quickstart against it, print what was created, then destroy it and stop the backend.
# KEEP=1 leaves the objects and the backend running and prints how to continue by hand.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work="$root/.demo"
rm -rf "$work"
mkdir -p "$work/bin" "$work/config"

echo "==> building terraform-provider-devportal"
(cd "$root" && go build -o "$work/bin/terraform-provider-devportal" .)

echo "==> starting the bundled backend (fresh database in $work)"
"$work/bin/terraform-provider-devportal" serve --listen 127.0.0.1:0 \
	--db "$work/devportal.db" --token-file "$work/admin-token" >"$work/backend.log" 2>&1 &
backend_pid=$!

stop_backend() {
	if kill -0 "$backend_pid" 2>/dev/null; then
		kill -TERM "$backend_pid" 2>/dev/null || true
		wait "$backend_pid" 2>/dev/null || true
	fi
}
if [ "${KEEP:-0}" != 1 ]; then
	trap stop_backend EXIT
fi

url=""
for _ in $(seq 1 100); do
	url=$(grep -Eo 'http://127\.0\.0\.1:[0-9]+' "$work/backend.log" | head -n 1 || true)
	[ -n "$url" ] && [ -s "$work/admin-token" ] && break
	if ! kill -0 "$backend_pid" 2>/dev/null; then
		echo "the backend exited early; its log:" >&2
		cat "$work/backend.log" >&2
		exit 1
	fi
	sleep 0.1
done
if [ -z "$url" ]; then
	echo "the backend did not report its address within 10 seconds; its log:" >&2
	cat "$work/backend.log" >&2
	exit 1
fi
echo "    backend listening on $url"

# A CLI configuration of our own, for this run only: Terraform uses the provider just built.
cat >"$work/config/terraformrc" <<CFG
provider_installation {
  dev_overrides {
    "devportal-labs/devportal" = "$work/bin"
  }
  direct {}
}
CFG
export TF_CLI_CONFIG_FILE="$work/config/terraformrc"
export DEVPORTAL_SERVER_URL="$url"
DEVPORTAL_TOKEN=$(cat "$work/admin-token")
export DEVPORTAL_TOKEN
export TF_IN_AUTOMATION=1

state="$work/terraform.tfstate"
tf() { terraform -chdir="$root/examples/quickstart" "$@"; }

echo "==> terraform apply (examples/quickstart)"
tf apply -auto-approve -input=false -state="$state" -compact-warnings

echo "==> outputs"
tf output -state="$state"

echo "==> terraform plan again: nothing should change"
tf plan -input=false -detailed-exitcode -state="$state" -compact-warnings >/dev/null
echo "    no changes"

if [ "${KEEP:-0}" = 1 ]; then
	cat <<MSG

The backend keeps running (pid $backend_pid) with the objects in place. To continue by hand:
  export TF_CLI_CONFIG_FILE=$TF_CLI_CONFIG_FILE
  export DEVPORTAL_SERVER_URL=$url
  export DEVPORTAL_TOKEN=\$(cat $work/admin-token)
  terraform -chdir=examples/quickstart destroy -state=$state
  kill $backend_pid
MSG
	exit 0
fi

echo "==> terraform destroy"
tf destroy -auto-approve -input=false -state="$state" -compact-warnings >/dev/null
echo "    destroyed; stopping the backend"
