# Shared by the scripts in scripts/: build the provider, start the bundled backend on loopback with a
# fresh database, and point Terraform at the build through a CLI configuration of this run's own.
# Source it, then call devportal_setup WORKDIR; it exports DEVPORTAL_SERVER_URL, DEVPORTAL_TOKEN,
# TF_CLI_CONFIG_FILE and sets backend_pid. devportal_stop_backend stops the backend. With
# devportal_mail=mailpit set first, devportal_setup also starts Mailpit (see mailpit.sh) and the
# backend mails developers through it; devportal_stop_mailpit stops it.

devportal_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$devportal_root/scripts/lib/mailpit.sh"

devportal_setup() {
	local work=$1
	rm -rf "$work"
	mkdir -p "$work/bin" "$work/config"

	echo "==> building terraform-provider-devportal"
	(cd "$devportal_root" && go build -o "$work/bin/terraform-provider-devportal" .)

	if [ "${devportal_mail:-}" = mailpit ]; then
		echo "==> starting Mailpit, the mail server that receives the messages to developers"
		devportal_start_mailpit "$work" || return 1
	fi

	echo "==> starting the bundled backend (fresh database in $work)"
	# The mail server's URL goes through the environment, where a password would belong.
	DEVPORTAL_SMTP_URL="${mailpit_smtp_url:-}" DEVPORTAL_SMTP_FROM="${mailpit_smtp_url:+Developer Portal <portal@devportal.localhost>}" \
		"$work/bin/terraform-provider-devportal" serve --listen 127.0.0.1:0 \
		--db "$work/devportal.db" --token-file "$work/admin-token" >"$work/backend.log" 2>&1 &
	backend_pid=$!

	local url="" i
	for i in $(seq 1 100); do
		url=$(grep -Eo 'http://127\.0\.0\.1:[0-9]+' "$work/backend.log" | head -n 1 || true)
		[ -n "$url" ] && [ -s "$work/admin-token" ] && break
		if ! kill -0 "$backend_pid" 2>/dev/null; then
			echo "the backend exited early; its log:" >&2
			cat "$work/backend.log" >&2
			return 1
		fi
		sleep 0.1
	done
	if [ -z "$url" ]; then
		echo "the backend did not report its address within 10 seconds; its log:" >&2
		cat "$work/backend.log" >&2
		return 1
	fi
	echo "    backend listening on $url (pid $backend_pid)"

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
}

devportal_stop_backend() {
	if [ -n "${backend_pid:-}" ] && kill -0 "$backend_pid" 2>/dev/null; then
		kill -TERM "$backend_pid" 2>/dev/null || true
		wait "$backend_pid" 2>/dev/null || true
	fi
}
