#!/usr/bin/env bash
# Start the action server, the Rasa server and the web page; stop all of them on Ctrl-C.
# Run through `make run`, which first builds everything that is missing or stale.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="$ROOT/.venv/bin/python"  # Rasa (3.10)
# the action server's own environment (3.12/3.13): scripts/action_server.py says which
ACTIONS_PY="$("$PY" scripts/action_server.py python)"
BIND="${BIND:-127.0.0.1}"
RASA_PORT="${RASA_PORT:-5005}"
ACTION_PORT="${ACTION_PORT:-5055}"
WEB_PORT="${WEB_PORT:-8080}"
DASHBOARD_PORT="${DASHBOARD_PORT:-8090}"
LOCAL=127.0.0.1
# Rasa serves its channels and its HTTP API (trackers, model) on one port: on another address than loopback the
# API would face the network. The scaled layout puts nginx in front, which passes only the channel paths.
if [ "$BIND" != "127.0.0.1" ] && [ "$BIND" != "localhost" ]; then
  echo "error: make run keeps the servers on 127.0.0.1 (BIND=$BIND would put Rasa's HTTP API on the network)." >&2
  echo "       To serve other machines, run 'EDGE_BIND=$BIND make scale-up': its nginx passes only the channels." >&2
  exit 2
fi
export PYTHONPATH="$ROOT" RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=3 SQLALCHEMY_SILENCE_UBER_WARNING=1

MODEL="$("$PY" scripts/model.py path)"
[ -f "$MODEL" ] || { echo "error: no trained model at $MODEL; run 'make run' (it trains one)" >&2; exit 1; }
"$PY" scripts/credentials.py build/credentials.yml
"$PY" scripts/endpoints.py build/endpoints.yml "$ACTION_PORT" "http://$LOCAL:$ACTION_PORT/webhook"

# The HTTP API (trackers, model, status) needs a token; the channels do not. The token stays in a file that
# only its owner reads (RASA_AUTH_TOKEN, when set, is written there): never on a command line.
TOKEN_FILE="$ROOT/build/api-token"
if [ -n "${RASA_AUTH_TOKEN:-}" ]; then
  (umask 077; printf '%s\n' "$RASA_AUTH_TOKEN" > "$TOKEN_FILE")
elif [ ! -s "$TOKEN_FILE" ]; then
  (umask 077; "$PY" -c 'import secrets; print(secrets.token_urlsafe(32))' > "$TOKEN_FILE")
fi
chmod 600 "$TOKEN_FILE"
TOKEN_SAID="in $TOKEN_FILE (readable by you only)"

pids=() names=()
stop() {
  trap - INT TERM EXIT
  echo; echo "stopping..."
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "stopped."
}
trap 'stop; exit 0' INT TERM  # Ctrl-C: a normal end
trap stop EXIT

wait_for() {  # wait_for NAME URL SECONDS
  local deadline=$((SECONDS + $3))
  until curl -fs "$2" >/dev/null 2>&1; do
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || { echo "error: $1 exited; see the log above" >&2; exit 1; }; done
    [ $SECONDS -lt $deadline ] || { echo "error: $1 not ready after $3 s" >&2; exit 1; }
    printf '.'; sleep 2
  done
  echo " $1 ready"
}

echo "==> starting the action server on port $ACTION_PORT"
SANIC_HOST="$LOCAL" "$ACTIONS_PY" scripts/action_server.py serve "$ACTION_PORT" &
pids+=($!) names+=("action server")
wait_for "action server" "http://$LOCAL:$ACTION_PORT/health" 60

echo "==> starting the Rasa server on http://$LOCAL:$RASA_PORT (loading the model takes about a minute)"
"$PY" scripts/rasa_server.py run --enable-api --auth-token-file "$TOKEN_FILE" -i "$LOCAL" -p "$RASA_PORT" -m "$MODEL" --credentials build/credentials.yml \
  --endpoints build/endpoints.yml --cors "http://localhost:$WEB_PORT" &
pids+=($!) names+=("Rasa server")
wait_for "Rasa server" "http://$LOCAL:$RASA_PORT/" 300

echo "==> serving the web page on http://localhost:$WEB_PORT/"
"$PY" scripts/serve_web.py --port "$WEB_PORT" --bind "$BIND" --rasa-url "http://localhost:$RASA_PORT" &
pids+=($!) names+=("web page server")
wait_for "web page" "http://$LOCAL:$WEB_PORT/" 30

# The curators' dashboard runs only with a token set by the operator (scripts/dashboard.py): never a default.
DASHBOARD_SAID="not started: set CURATOR_TOKEN (16+ characters) or CURATOR_TOKEN_FILE (a mode-600 file) to start it"
if [ -n "${CURATOR_TOKEN:-}" ] || [ -n "${CURATOR_TOKEN_FILE:-}" ]; then
  echo "==> starting the curators' dashboard on http://localhost:$DASHBOARD_PORT/"
  "$ACTIONS_PY" scripts/dashboard.py --port "$DASHBOARD_PORT" --bind "$LOCAL" &
  pids+=($!) names+=("curators' dashboard")
  wait_for "curators' dashboard" "http://$LOCAL:$DASHBOARD_PORT/health" 60
  DASHBOARD_SAID="http://localhost:$DASHBOARD_PORT/ (any user name; the password is the curator token)"
else
  echo "note: the curators' dashboard is skipped: $DASHBOARD_SAID" >&2
fi

cat <<MSG

The assistant is running:
  chat in the browser:  http://localhost:$WEB_PORT/
  REST:                 curl -s localhost:$RASA_PORT/webhooks/rest/webhook -d '{"sender":"me","message":"what is butyrate?"}'
  HTTP API token:       $TOKEN_SAID
                        curl -s "localhost:$RASA_PORT/conversations/me/tracker?token=\$(cat build/api-token)"
  curators' dashboard:  $DASHBOARD_SAID
Press Ctrl-C to stop.
MSG
wait -n "${pids[@]}" || true
# One of them stopped by itself: say which, then stop the others (trap).
for i in "${!pids[@]}"; do
  kill -0 "${pids[$i]}" 2>/dev/null || echo "error: the ${names[$i]} stopped unexpectedly; see its log above" >&2
done
exit 1
