#!/usr/bin/env bash
# Scale benchmark: N APIs, each with its own gateway service, service link and publication (4N
# resources plus a shared portal, strategy and control plane), applied against a fresh bundled
# backend, planned again and destroyed. The same phases run for as many terraform_data resources
# wired in the same dependency graph, the floor of what Terraform itself costs; the ratio to that
# floor is printed with the backend's requests in each phase and its peak resident memory.
#   N=200 scripts/bench.sh            (make bench)
#   N=200 ROUNDS=3 scripts/bench.sh   (fastest of three rounds, steadier on a busy machine)
#   PARALLELISM=10                    (terraform -parallelism, the default)
#   PROFILE=DIR                       (a CPU and a heap profile of each provider process, by phase,
#                                      from a build with the cpuprofile tag: see profile.go)
# Between the devportal plan and destroy, the same state is planned once more by scripts/benchfloor,
# a provider with the devportal provider's schemas that does nothing: the framework floor, what
# Terraform and the plugin framework cost for these resources before any work of the provider's.
set -euo pipefail
. "$(dirname "$0")/lib/backend.sh"

n=${N:-200}
parallelism=${PARALLELISM:-10}
work="$devportal_root/.bench"
devportal_setup "$work"
trap devportal_stop_backend EXIT

echo "==> building the framework floor provider (scripts/benchfloor) into $work/floor-bin"
(cd "$devportal_root" && go build -o "$work/floor-bin/terraform-provider-devportal" ./scripts/benchfloor)
sed "s|\"$work/bin\"|\"$work/floor-bin\"|" "$TF_CLI_CONFIG_FILE" >"$work/config/floor-terraformrc"

profile=${PROFILE:-}
if [ -n "$profile" ]; then
	mkdir -p "$profile"
	profile=$(cd "$profile" && pwd)
	echo "==> building the provider with CPU profiling into $work/profile-bin"
	(cd "$devportal_root" && go build -tags cpuprofile -o "$work/profile-bin/terraform-provider-devportal" .)
	sed -i "s|\"$work/bin\"|\"$work/profile-bin\"|" "$TF_CLI_CONFIG_FILE"
fi

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
# The floor is the same graph of terraform_data resources: one per object, each referring to the
# ones its devportal resource refers to, so that Terraform walks the same dependencies in the same
# order. Independent resources would all run at once and make a floor two to three times too low.
cat >"$work/floor/main.tf" <<TF
variable "n" {
  type    = number
  default = $n
}

resource "terraform_data" "strategy" {
  input = "bench-key-auth"
}

resource "terraform_data" "portal" {
  input = "bench"
}

resource "terraform_data" "control_plane" {
  input = "bench"
}

resource "terraform_data" "svc" {
  count = var.n
  input = {
    control_plane_id = terraform_data.control_plane.id
    name             = "svc-\${count.index}"
  }
}

resource "terraform_data" "api" {
  count = var.n
  input = "api-\${count.index}"
}

resource "terraform_data" "link" {
  count = var.n
  input = {
    api_id           = terraform_data.api[count.index].id
    control_plane_id = terraform_data.control_plane.id
    service_id       = terraform_data.svc[count.index].id
  }
}

resource "terraform_data" "pub" {
  count = var.n
  input = {
    api_id           = terraform_data.api[count.index].id
    portal_id        = terraform_data.portal.id
    auth_strategy_id = terraform_data.strategy.id
  }
}
TF

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# cpu_seconds: sets cpu_now to the CPU seconds used so far by this shell's finished children
# (Terraform with the provider processes it ran) and by the backend. On a machine that other work
# keeps busy, the CPU a phase needs is steadier than its wall time. It must run in the shell that
# runs Terraform, not in a subshell, which has children of its own.
cpu_seconds() {
	local children backend
	times >"$work/times"
	children=$(tail -n 1 "$work/times")
	backend=$(awk '{ print $14 + $15 }' "/proc/$backend_pid/stat")
	cpu_now=$(awk -v children="$children" -v backend="$backend" -v hz="$(getconf CLK_TCK)" 'BEGIN {
		n = split(children, f, " ")
		for (i = 1; i <= n; i++) { split(f[i], ms, "m"); sub(/s$/, "", ms[2]); total += ms[1] * 60 + ms[2] }
		printf "%.2f", total + backend / hz
	}')
}

# run_phases DIR [init]: apply, plan again (which must be empty) and destroy; prints the wall
# seconds of each, then the CPU seconds of each. For the devportal configuration it then prints
# the wall and CPU seconds of the framework floor's plan, made between plan and destroy. The devportal provider comes from the
# dev_overrides of devportal_setup, which need no (and offline, allow no) terraform init. The
# length of the backend's log (one line per request) at each boundary goes to DIR/marks, for
# requests_by_phase.
run_phases() {
	local dir=$1 t0 t1 t2 t3 c0 c1 c2 c3 rc=0 idle=""
	local t2d c2d # when destroy starts
	local tf=(terraform -chdir="$dir")
	if [ "${2:-}" = init ]; then
		"${tf[@]}" init -input=false >"$work/init.log" 2>&1 || { cat "$work/init.log" >&2; exit 1; }
	fi
	mark() { wc -l <"$work/backend.log" >>"$dir/marks"; }
	# profile_to PHASE: where the provider processes of PHASE write their profiles, if anywhere.
	profile_to() {
		[ -n "$profile" ] || return 0
		mkdir -p "$profile/$1"
		echo "$profile/$1"
	}
	: >"$dir/marks"
	mark
	cpu_seconds
	c0=$cpu_now t0=$(now)
	DEVPORTAL_CPUPROFILE_DIR=$(profile_to apply) "${tf[@]}" apply -auto-approve -input=false -parallelism="$parallelism" >"$work/apply.log" 2>&1 ||
		{ tail -n 40 "$work/apply.log" >&2; exit 1; }
	t1=$(now)
	cpu_seconds
	c1=$cpu_now
	mark
	DEVPORTAL_CPUPROFILE_DIR=$(profile_to plan) "${tf[@]}" plan -input=false -detailed-exitcode -parallelism="$parallelism" >"$work/plan.log" 2>&1 || rc=$?
	if [ "$rc" != 0 ]; then
		echo "the plan after apply in $dir was not empty (exit $rc):" >&2
		tail -n 40 "$work/plan.log" >&2
		exit 1
	fi
	t2=$(now)
	cpu_seconds
	c2=$cpu_now
	t2d=$t2 c2d=$c2
	if [ "$dir" = "$work/devportal" ]; then
		local ti ci
		TF_CLI_CONFIG_FILE="$work/config/floor-terraformrc" "${tf[@]}" plan -input=false -detailed-exitcode \
			-parallelism="$parallelism" >"$work/floor-plan.log" 2>&1 || rc=$?
		if [ "$rc" != 0 ]; then
			echo "the framework floor's plan of $dir was not empty (exit $rc):" >&2
			tail -n 40 "$work/floor-plan.log" >&2
			exit 1
		fi
		ti=$(now)
		cpu_seconds
		ci=$cpu_now
		idle="$(elapsed "$t2" "$ti") $(elapsed "$c2" "$ci")"
		t2d=$ti c2d=$ci
	fi
	mark
	DEVPORTAL_CPUPROFILE_DIR=$(profile_to destroy) "${tf[@]}" destroy -auto-approve -input=false -parallelism="$parallelism" >"$work/destroy.log" 2>&1 ||
		{ tail -n 40 "$work/destroy.log" >&2; exit 1; }
	t3=$(now)
	cpu_seconds
	c3=$cpu_now
	mark
	echo "$(elapsed "$t0" "$t1") $(elapsed "$t1" "$t2") $(elapsed "$t2d" "$t3")" \
		"$(elapsed "$c0" "$c1") $(elapsed "$c1" "$c2") $(elapsed "$c2d" "$c3") $idle"
}

# requests_by_phase DIR: the backend's requests during each phase of the last run_phases DIR, by
# method, so that a resource that asks more than it needs shows.
requests_by_phase() {
	local phase from to i=1
	for phase in apply plan destroy; do
		from=$(sed -n "${i}p" "$1/marks")
		to=$(sed -n "$((i + 1))p" "$1/marks")
		sed -n "$((from + 1)),${to}p" "$work/backend.log" |
			awk -v phase="$phase" -v objects="$((4 * n + 3))" '
				/msg=request/ { for (f = 1; f <= NF; f++) if ($f ~ /^method=/) { sub(/^method=/, "", $f); count[$f]++; total++ } }
				END {
					line = sprintf("%-8s %5d requests (%.2f per resource):", phase, total, total / objects)
					for (m in count) line = line sprintf(" %s %d", m, count[m])
					print line
				}'
		i=$((i + 1))
	done
}

# best A B: the smaller of two durations.
best() { awk -v a="$1" -v b="$2" 'BEGIN { print (b == "" || a < b) ? a : b }'; }

# Each round runs the floor and then the devportal configuration; the fastest time of each phase
# counts, which on a shared machine is the one least disturbed by other work, and so does the
# smallest CPU time.
rounds=${ROUNDS:-1}
phases=(apply plan destroy)
declare -A floor_s devportal_s floor_cpu devportal_cpu
for round in $(seq 1 "$rounds"); do
	init=""
	[ "$round" = 1 ] && init=init
	echo "==> round $round of $rounds: floor, $((4 * n + 3)) terraform_data resources in the same dependency graph"
	times=$(run_phases "$work/floor" $init)
	read -r -a f <<<"$times"
	echo "    apply ${f[0]}s, plan ${f[1]}s, destroy ${f[2]}s (CPU ${f[3]}s, ${f[4]}s, ${f[5]}s)"
	echo "==> round $round of $rounds: devportal, $n APIs with service, link and publication ($((4 * n + 3)) resources)"
	times=$(run_phases "$work/devportal")
	read -r -a d <<<"$times"
	echo "    apply ${d[0]}s, plan ${d[1]}s, destroy ${d[2]}s (CPU ${d[3]}s, ${d[4]}s, ${d[5]}s)"
	echo "    plan by the framework floor ${d[6]}s (CPU ${d[7]}s)"
	idle_s=$(best "${d[6]}" "${idle_s:-}")
	idle_cpu=$(best "${d[7]}" "${idle_cpu:-}")
	for i in 0 1 2; do
		p=${phases[$i]}
		floor_s[$p]=$(best "${f[$i]}" "${floor_s[$p]:-}")
		devportal_s[$p]=$(best "${d[$i]}" "${devportal_s[$p]:-}")
		floor_cpu[$p]=$(best "${f[$((i + 3))]}" "${floor_cpu[$p]:-}")
		devportal_cpu[$p]=$(best "${d[$((i + 3))]}" "${devportal_cpu[$p]:-}")
	done
done

peak_kib=$(awk '/^VmHWM:/ { print $2 }' "/proc/$backend_pid/status")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }'; }
echo
echo "N=$n, parallelism $parallelism, best of $rounds round(s); CPU is Terraform's, the provider's and the backend's"
printf '%-10s %12s %12s %8s   %14s %14s %8s\n' phase "devportal s" "floor s" ratio "devportal CPU" "floor CPU" ratio
for p in "${phases[@]}"; do
	printf '%-10s %12s %12s %8s   %14s %14s %8s\n' "$p" "${devportal_s[$p]}" "${floor_s[$p]}" "$(ratio "${devportal_s[$p]}" "${floor_s[$p]}")" \
		"${devportal_cpu[$p]}" "${floor_cpu[$p]}" "$(ratio "${devportal_cpu[$p]}" "${floor_cpu[$p]}")"
done
printf '%-10s %12s %12s %8s   %14s %14s %8s\n' "plan" "${devportal_s[plan]}" "$idle_s" "$(ratio "${devportal_s[plan]}" "$idle_s")" \
	"${devportal_cpu[plan]}" "$idle_cpu" "$(ratio "${devportal_cpu[plan]}" "$idle_cpu")"
echo "           (the last row's floor is the framework floor: the same state planned by scripts/benchfloor,"
echo "           a provider with the same schemas that reads nothing and modifies no plan)"
echo
echo "backend requests of the last devportal round:"
requests_by_phase "$work/devportal"
printf 'backend peak resident memory: %d MiB (VmHWM)\n' $((peak_kib / 1024))
if [ -n "$profile" ]; then
	echo "provider profiles by phase in $profile; for example:"
	echo "  go tool pprof -top -cum \$(ls -S $profile/plan/provider-*[0-9].pprof | head -n 1)"
fi
