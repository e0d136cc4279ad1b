# shellcheck shell=bash
# Shared by the scripts in scripts/: run Mailpit, a real SMTP server with a web inbox, for the
# messages the bundled backend sends to developers. backend.sh sources this file; its
# devportal_setup starts Mailpit and points the backend at it when devportal_mail=mailpit.
#
#   devportal_start_mailpit WORKDIR
#       finds mailpit ($MAILPIT, $PATH, then $(go env GOPATH)/bin), installing it with go install
#       when missing, starts it on free loopback ports with its database and log in WORKDIR, and
#       waits until it answers; sets mailpit_pid, mailpit_smtp_url and mailpit_url (the inbox).
#   devportal_mailpit_link EMAIL PATH
#       waits, at most 30 seconds, for a message to EMAIL with a link to PATH (such as
#       /verify-email) and prints the link of the newest such message. Needs jq.
#   devportal_stop_mailpit
#       stops it (SIGTERM, then waits for it).

devportal_mailpit_version=v1.33.1

devportal_find_mailpit() {
	if [ -n "${MAILPIT:-}" ]; then
		echo "$MAILPIT"
		return
	fi
	if command -v mailpit >/dev/null; then
		command -v mailpit
		return
	fi
	local gobin
	gobin="$(go env GOPATH | cut -d: -f1)/bin"
	if [ ! -x "$gobin/mailpit" ]; then
		echo "==> installing Mailpit (go install github.com/axllent/mailpit@$devportal_mailpit_version)" >&2
		GOFLAGS= go install "github.com/axllent/mailpit@$devportal_mailpit_version" >&2 || return 1
	fi
	echo "$gobin/mailpit"
}

# devportal_free_port prints a loopback port that nothing listens on now.
devportal_free_port() {
	local port
	for _ in $(seq 1 50); do
		port=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "$port"
			return
		fi
	done
	echo "no free port found" >&2
	return 1
}

devportal_start_mailpit() {
	local work=$1 bin smtp_port http_port attempt
	bin=$(devportal_find_mailpit) || { echo "Mailpit is not installed and go install failed" >&2; return 1; }
	mkdir -p "$work/mailpit"
	# Another process may take a chosen port before Mailpit binds it: choose again.
	for attempt in 1 2 3; do
		smtp_port=$(devportal_free_port) && http_port=$(devportal_free_port) || return 1
		"$bin" --smtp "127.0.0.1:$smtp_port" --listen "127.0.0.1:$http_port" \
			--database "$work/mailpit/mailpit.db" --disable-version-check \
			--smtp-auth-accept-any --smtp-auth-allow-insecure >"$work/mailpit.log" 2>&1 &
		mailpit_pid=$!
		mailpit_url="http://127.0.0.1:$http_port"
		mailpit_smtp_url="smtp://127.0.0.1:$smtp_port"
		for _ in $(seq 1 100); do
			if curl -sf -o /dev/null "$mailpit_url/readyz" && (exec 3<>"/dev/tcp/127.0.0.1/$smtp_port") 2>/dev/null; then
				echo "    Mailpit: SMTP on $mailpit_smtp_url, inbox on $mailpit_url (pid $mailpit_pid)"
				return 0
			fi
			kill -0 "$mailpit_pid" 2>/dev/null || break
			sleep 0.1
		done
		devportal_stop_mailpit
		echo "    Mailpit did not start (attempt $attempt); its log:" >&2
		cat "$work/mailpit.log" >&2
	done
	return 1
}

devportal_mailpit_link() {
	local email=$1 path=$2 id link
	for _ in $(seq 1 300); do
		for id in $(curl -sf -G "$mailpit_url/api/v1/search" --data-urlencode "query=to:\"$email\"" | jq -r '.messages[].ID' || true); do
			link=$(curl -sf "$mailpit_url/api/v1/message/$id" | jq -r '.Text' |
				grep -Eo "https?://[^[:space:]]+$path(\?[^[:space:]]*)?" | head -n 1 || true)
			if [ -n "$link" ]; then
				echo "$link"
				return 0
			fi
		done
		sleep 0.1
	done
	echo "no message to $email with a link to $path reached Mailpit within 30 seconds" >&2
	return 1
}

devportal_stop_mailpit() {
	if [ -n "${mailpit_pid:-}" ] && kill -0 "$mailpit_pid" 2>/dev/null; then
		kill -TERM "$mailpit_pid" 2>/dev/null || true
		wait "$mailpit_pid" 2>/dev/null || true
	fi
}
