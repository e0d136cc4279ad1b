#!/usr/bin/env bash
# Quickstart: build the provider, start the bundled backend on loopback with a fresh database, apply
# examples/quickstart against it, print what was created, then destroy it and stop the backend.
# KEEP=1 leaves the objects and the backend running and prints how to continue by hand; DEMO_DIR
# chooses the working directory (default .demo).
set -euo pipefail
. "$(dirname "$0")/lib/backend.sh"

work="${DEMO_DIR:-$devportal_root/.demo}"
devportal_setup "$work"
if [ "${KEEP:-0}" != 1 ]; then
	trap devportal_stop_backend EXIT
fi

state="$work/terraform.tfstate"
tf() { terraform -chdir="$devportal_root/examples/quickstart" "$@"; }

echo "==> terraform apply (examples/quickstart)"
tf apply -auto-approve -input=false -state="$state" -compact-warnings >"$work/apply.log" ||
	{ cat "$work/apply.log" >&2; exit 1; }
grep -E '^Apply complete' "$work/apply.log" | sed 's/^/    /'

echo "==> outputs: where the managed application auth plugin is applied"
tf output -state="$state"

echo "==> terraform plan again: nothing should change"
tf plan -input=false -detailed-exitcode -state="$state" -compact-warnings >/dev/null
echo "    no changes"

if [ "${KEEP:-0}" = 1 ]; then
	cat <<MSG

The backend keeps running (pid $backend_pid) with the objects in place. To continue by hand:
  export TF_CLI_CONFIG_FILE=$TF_CLI_CONFIG_FILE
  export DEVPORTAL_SERVER_URL=$DEVPORTAL_SERVER_URL
  export DEVPORTAL_TOKEN=\$(cat $work/admin-token)
  terraform -chdir=examples/quickstart destroy -state=$state
  kill $backend_pid
Once developers have signed up to the portal, the destroy is refused until you set
force_destroy = true on devportal_portal.partners and apply.
MSG
	exit 0
fi

echo "==> terraform destroy"
tf destroy -auto-approve -input=false -state="$state" -compact-warnings >/dev/null
echo "    destroyed; stopping the backend"
