#!/usr/bin/env bash
# Runs the Python compatibility suite against a throw-away Arbor hub started from the built jar.
# The Java test harness does the same on its own; this script is for running the suite by hand.
#
#   compat/python/run-with-jar.sh [pytest args...]
#
# Env: JAVA (default: java on PATH), ARBOR_JAR (default: arbor-app/target/arbor.jar), PORT (default: a free one).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
java="${JAVA:-java}"
jar="${ARBOR_JAR:-$root/arbor-app/target/arbor.jar}"
venv="$here/.venv"

[ -f "$jar" ] || { echo "no hub jar at $jar (build it first: ./mvnw -q -DskipTests package)" >&2; exit 2; }

if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r "$here/requirements.txt"
fi

port="${PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
work="$(mktemp -d "${TMPDIR:-/tmp}/arbor-compat-py.XXXXXX")"
data="$work/data"
hub_pid=""
cleanup() {
  if [ -n "$hub_pid" ]; then kill "$hub_pid" 2>/dev/null || true; wait "$hub_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

admin() { "$java" -jar "$jar" admin "$@" --data "$data"; }
admin user add alice >/dev/null 2>&1
admin user add bob >/dev/null 2>&1
write_token="$(admin token add alice 2>/dev/null | grep -o 'hf_[A-Za-z0-9]*' | head -n1)"
read_token="$(admin token add alice --read 2>/dev/null | grep -o 'hf_[A-Za-z0-9]*' | head -n1)"
other_token="$(admin token add bob 2>/dev/null | grep -o 'hf_[A-Za-z0-9]*' | head -n1)"
[ -n "$write_token" ] && [ -n "$read_token" ] && [ -n "$other_token" ] || { echo "could not create tokens" >&2; exit 2; }

ARBOR_LFS_PART_SIZE=5MiB "$java" -jar "$jar" serve --port "$port" --data "$data" >"$work/hub.log" 2>&1 &
hub_pid=$!
for _ in $(seq 1 100); do
  if curl -fsS -o /dev/null -H "Authorization: Bearer $write_token" "http://127.0.0.1:$port/api/whoami-v2"; then break; fi
  kill -0 "$hub_pid" 2>/dev/null || { cat "$work/hub.log" >&2; exit 2; }
  sleep 0.2
done

export HF_ENDPOINT="http://127.0.0.1:$port"
export ARBOR_USER=alice ARBOR_TOKEN="$write_token" ARBOR_READ_TOKEN="$read_token"
export ARBOR_OTHER_USER=bob ARBOR_OTHER_TOKEN="$other_token"
export HF_HUB_DISABLE_XET=1 HF_HUB_DISABLE_TELEMETRY=1 HF_HOME="$work/hf-home"

set +e
"$venv/bin/python" -m pytest "$here" "$@"
rc=$?
set -e
[ "$rc" -eq 0 ] || echo "hub log: $(tail -n 20 "$work/hub.log")" >&2
exit "$rc"
