#!/usr/bin/env bash
# Scale benchmark: N APIs, each with its own gateway service, service link and publication (4N
# resources plus a shared portal, strategy and control plane), applied against a fresh bundled
# backend, planned again and destroyed. The same phases run for 4N terraform_data resources, the
# floor of what Terraform itself costs, and the ratio to that floor is printed with the backend's
# peak resident memory.
#   N=200 scripts/bench.sh        (make bench)
set -euo pipefail
. "$(dirname "$0")/lib/backend.sh"

n=${N:-200}
parallelism=${PARALLELISM:-10}
work="$devportal_root/.bench"
devportal_setup "$work"
trap devportal_stop_backend EXIT

mkdir -p "$work/devportal" "$work/floor"
cat >"$work/devportal/main.tf" <<TF
terraform {
  required_providers {
    devportal = { source = "devportal-labs/devportal" }
  }
}

provider "devportal" {}

variable "n" {
  type    = number
  default = $n
}

resource "devportal_application_auth_strategy" "bench" {
  name     = "bench-key-auth"
  key_auth = { key_names = ["apikey"] }
}

resource "devportal_portal" "bench" {
  name = "bench"
}

resource "devportal_control_plane" "bench" {
  name = "bench"
}

resource "devportal_gateway_service" "svc" {
  count            = var.n
  control_plane_id = devportal_control_plane.bench.id
  name             = "svc-\${count.index}"
  host             = "upstream-\${count.index}.internal"
}

resource "devportal_api" "api" {
  count   = var.n
  name    = "api-\${count.index}"
  version = "v1"
}

resource "devportal_api_service_link" "link" {
  count            = var.n
  api_id           = devportal_api.api[count.index].id
  control_plane_id = devportal_control_plane.bench.id
  service_id       = devportal_gateway_service.svc[count.index].id
}

resource "devportal_api_publication" "pub" {
  count            = var.n
  api_id           = devportal_api.api[count.index].id
  portal_id        = devportal_portal.bench.id
  auth_strategy_id = devportal_application_auth_strategy.bench.id
}
TF
cat >"$work/floor/main.tf" <<TF
variable "n" {
  type    = number
  default = $((4 * n))
}

resource "terraform_data" "floor" {
  count = var.n
  input = "item-\${count.index}"
}
TF

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# run_phases DIR [init]: apply, plan again (which must be empty) and destroy; prints the seconds of
# each. The devportal provider comes from the dev_overrides of devportal_setup, which need no (and
# offline, allow no) terraform init.
run_phases() {
	local dir=$1 t0 t1 t2 t3 rc=0
	local tf=(terraform -chdir="$dir")
	if [ "${2:-}" = init ]; then
		"${tf[@]}" init -input=false >"$work/init.log" 2>&1 || { cat "$work/init.log" >&2; exit 1; }
	fi
	t0=$(now)
	"${tf[@]}" apply -auto-approve -input=false -parallelism="$parallelism" >"$work/apply.log" 2>&1 ||
		{ tail -n 40 "$work/apply.log" >&2; exit 1; }
	t1=$(now)
	"${tf[@]}" plan -input=false -detailed-exitcode -parallelism="$parallelism" >"$work/plan.log" 2>&1 || rc=$?
	if [ "$rc" != 0 ]; then
		echo "the plan after apply in $dir was not empty (exit $rc):" >&2
		tail -n 40 "$work/plan.log" >&2
		exit 1
	fi
	t2=$(now)
	"${tf[@]}" destroy -auto-approve -input=false -parallelism="$parallelism" >"$work/destroy.log" 2>&1 ||
		{ tail -n 40 "$work/destroy.log" >&2; exit 1; }
	t3=$(now)
	echo "$(elapsed "$t0" "$t1") $(elapsed "$t1" "$t2") $(elapsed "$t2" "$t3")"
}

echo "==> floor: $((4 * n)) terraform_data resources"
floor=$(run_phases "$work/floor" init)
read -r fa fp fd <<<"$floor"
echo "==> devportal: $n APIs with service, link and publication ($((4 * n + 3)) resources)"
devportal=$(run_phases "$work/devportal")
read -r da dp dd <<<"$devportal"

peak_kib=$(awk '/^VmHWM:/ { print $2 }' "/proc/$backend_pid/status")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "n/a" }'; }
printf '\n%-10s %12s %12s %8s\n' phase "devportal s" "floor s" ratio
printf '%-10s %12s %12s %8s\n' apply "$da" "$fa" "$(ratio "$da" "$fa")"
printf '%-10s %12s %12s %8s\n' plan "$dp" "$fp" "$(ratio "$dp" "$fp")"
printf '%-10s %12s %12s %8s\n' destroy "$dd" "$fd" "$(ratio "$dd" "$fd")"
printf 'backend peak resident memory: %d MiB (VmHWM)\n' $((peak_kib / 1024))
