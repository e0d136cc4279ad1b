#!/usr/bin/env bash
# The developer's side of the quickstart, with curl: sign up to the quickstart's portal, verify the
# address and set a password, wait for the administrator (Terraform, examples/developer-walkthrough)
# to approve the account, create an application, register it with the Orders API, wait for the
# registration to be approved, and receive an API key, which the gateway data then honours.
#
# It starts its own backend, which mails developers through Mailpit (started here, installed with go
# install when missing): the verification link is read from the message Mailpit received. It
# applies examples/quickstart first, then destroys everything and stops the backend and Mailpit;
# KEEP=1 leaves them running. WALKTHROUGH_DIR chooses the working directory (default
# .demo/walkthrough). Needs curl, jq and sha256sum besides Go and Terraform.
set -euo pipefail
. "$(dirname "$0")/lib/backend.sh"

for tool in curl jq sha256sum; do
	command -v "$tool" >/dev/null || { echo "$tool is required" >&2; exit 1; }
done

work="${WALKTHROUGH_DIR:-$devportal_root/.demo/walkthrough}"
devportal_mail=mailpit
quickstart_state="$work/quickstart.tfstate"
admin_state="$work/walkthrough.tfstate"
qs() { terraform -chdir="$devportal_root/examples/quickstart" "$@"; }
admin() { terraform -chdir="$devportal_root/examples/developer-walkthrough" "$@"; }

cleanup() {
	if [ "${KEEP:-0}" = 1 ]; then
		return
	fi
	echo "==> cleaning up"
	[ -f "$admin_state" ] && admin destroy -auto-approve -input=false -state="$admin_state" "${admin_vars[@]}" >/dev/null 2>&1 || true
	qs destroy -auto-approve -input=false -state="$quickstart_state" >/dev/null 2>&1 || true
	devportal_stop_backend
	devportal_stop_mailpit
}
admin_vars=()
trap cleanup EXIT
devportal_setup "$work"

echo "==> the platform team applies examples/quickstart"
qs apply -auto-approve -input=false -state="$quickstart_state" -compact-warnings >/dev/null
resource_id() { qs show -json "$quickstart_state" | jq -r --arg a "$1" '.values.root_module.resources[] | select(.address == $a) | .values.id'; }
portal_id=$(resource_id devportal_portal.partners)
api_id=$(resource_id devportal_api.orders)
control_plane_id=$(resource_id devportal_control_plane.edge)
echo "    portal $portal_id, Orders API $api_id"
portal_site="$(qs output -state="$quickstart_state" -raw portal_url)/"
echo "    portal website: $portal_site"
echo "    mail inbox (Mailpit): $mailpit_url"

portal="$DEVPORTAL_SERVER_URL/portals/$portal_id/api/v3"
cookies="$work/developer-cookies.txt"
email="ada@example.com"
name="Ada Lovelace"
password="lantern harbour quill 47"

# call METHOD PATH [JSON] sends a developer request with the session cookie, prints the body to
# $work/body.json and the status code to stdout.
call() {
	local args=(-sS -o "$work/body.json" -w '%{http_code}' -X "$1" -b "$cookies" -c "$cookies")
	[ $# -ge 3 ] && args+=(-H 'Content-Type: application/json' -d "$3")
	curl "${args[@]}" "$portal$2"
}
# expect WANT GOT WHAT stops the walk-through when a status code is not the expected one.
expect() {
	if [ "$2" != "$1" ]; then
		echo "    $3: HTTP $2, expected $1:" >&2
		cat "$work/body.json" >&2
		exit 1
	fi
	echo "    $3: HTTP $2"
}
body() { jq -r "$1" "$work/body.json"; }
admin_get() { curl -sSf -H "Authorization: Bearer $DEVPORTAL_TOKEN" "$DEVPORTAL_SERVER_URL$1"; }

echo "==> the developer signs up"
expect 201 "$(call POST /developer "$(jq -nc --arg e "$email" --arg n "$name" '{email: $e, full_name: $n}')")" "POST /developer"
# The verification message reaches Mailpit; its link carries the token.
link=$(devportal_mailpit_link "$email" /verify-email)
echo "    the message to $email links to $link"
token=${link##*token=}
token=${token%%&*}
expect 202 "$(call POST /developer/verify-email "$(jq -nc --arg t "$token" '{token: $t}')")" "POST /developer/verify-email"
reset=$(body .token)
expect 204 "$(call POST /developer/reset-password "$(jq -nc --arg t "$reset" --arg p "$password" '{token: $t, password: $p}')")" "POST /developer/reset-password"
login() { call POST /developer/authenticate "$(jq -nc --arg u "$email" --arg p "$password" '{username: $u, password: $p}')"; }
expect 401 "$(login)" "POST /developer/authenticate before approval ($(body .title))"

echo "==> the administrator approves the developer with Terraform (examples/developer-walkthrough)"
developer_id=$(admin_get "/v3/portals/$portal_id/developers?filter%5Bemail%5D%5Beq%5D=$email" | jq -r '.data[0].id')
admin_vars=(-var "portal_id=$portal_id" -var "developer_id=$developer_id" -var "developer_email=$email" -var "developer_name=$name" -var "api_id=$api_id")
admin apply -auto-approve -input=false -state="$admin_state" -compact-warnings "${admin_vars[@]}" >/dev/null
echo "    developer status: $(admin output -state="$admin_state" -raw developer_status)"
login_link=$(devportal_mailpit_link "$email" /login)
echo "    the approval message to $email links to $login_link"

echo "==> the developer logs in, creates an application and registers it with the Orders API"
expect 204 "$(login)" "POST /developer/authenticate"
expect 200 "$(call GET /developer/me)" "GET /developer/me ($(body .email))"
expect 201 "$(call POST /applications '{"name": "ada-orders-client"}')" "POST /applications"
application_id=$(body .id)
expect 201 "$(call POST "/applications/$application_id/registrations" "$(jq -nc --arg a "$api_id" '{api_id: $a}')")" "POST /applications/{id}/registrations"
registration_id=$(body .id)
echo "    registration status: $(body .status)"

echo "==> the administrator approves the registration with Terraform"
admin_vars+=(-var "application_id=$application_id" -var "registration_id=$registration_id")
admin apply -auto-approve -input=false -state="$admin_state" -compact-warnings "${admin_vars[@]}" >/dev/null
admin output -state="$admin_state"

echo "==> the developer sees the approval and receives an API key"
expect 200 "$(call GET "/applications/$application_id/registrations/$registration_id")" "GET registration ($(body .status))"
expect 201 "$(call POST "/applications/$application_id/credentials" '{"display_name": "laptop"}')" "POST /applications/{id}/credentials"
key=$(body .credential)
echo "    API key: $key (shown once; the backend keeps only its hash)"

echo "==> the gateway data of the control plane honours the key"
hash=$(printf '%s' "$key" | sha256sum | cut -d' ' -f1)
admin_get "/v2/control-planes/$control_plane_id/application-auth-data" |
	jq -e --arg app "$application_id" --arg h "$hash" '.applications[] | select(.id == $app) | .key_hashes | index($h) != null' >/dev/null
echo "    application $application_id: key hash present, scope $api_id"

echo "==> terraform plan again: nothing should change"
admin plan -input=false -detailed-exitcode -state="$admin_state" -compact-warnings "${admin_vars[@]}" >/dev/null
echo "    no changes"

if [ "${KEEP:-0}" = 1 ]; then
	cat <<MSG

The backend (pid $backend_pid) and Mailpit (pid $mailpit_pid) keep running. The portal's website
is at $portal_site and the mail sent to developers at $mailpit_url. The developer's session
cookie is in $cookies; continue as the developer with, for example:
  curl -b $cookies $portal/applications
Stop them with: kill $backend_pid $mailpit_pid
MSG
fi
