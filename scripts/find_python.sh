#!/usr/bin/env bash
# Print the path of the Python an environment is built with, or explain what to install.
#   find_python.sh           Python 3.10 for .venv (Rasa): Rasa 3.6 does not run on 3.11+, and the project's code
#                            uses 3.10 (X | Y types at run time); 3.10 is the version it is tested on.
#   find_python.sh actions   Python 3.13, else 3.12, for .venv-actions (action server and knowledge library):
#                            supported Pythons with a current rasa-sdk (scripts/action_server.py).
set -u
case "${1:-rasa}" in
  rasa) versions=(3.10) override="${PYTHON:-}" override_name=PYTHON ;;
  actions) versions=(3.13 3.12) override="${ACTIONS_PYTHON:-}" override_name=ACTIONS_PYTHON ;;
  *) echo "usage: $0 [rasa|actions]" >&2; exit 2 ;;
esac
candidates=()
[ -n "$override" ] && candidates+=("$override")
for version in "${versions[@]}"; do
  command -v "python$version" >/dev/null 2>&1 && candidates+=("$(command -v "python$version")")
  if command -v pyenv >/dev/null 2>&1; then
    root=$(pyenv root)
    for dir in "$root"/versions/"$version".*; do
      [ -x "$dir/bin/python" ] && candidates+=("$dir/bin/python")
    done
  fi
done
wanted=$(printf '(%s),' "${versions[@]/./, }")  # e.g. "(3, 13),(3, 12),"
for python in "${candidates[@]}"; do
  if "$python" -c "import sys; raise SystemExit(0 if sys.version_info[:2] in [$wanted] else 1)" 2>/dev/null; then
    echo "$python"; exit 0
  fi
done
if [ "${1:-rasa}" = rasa ]; then
  cat >&2 <<'MSG'
error: no Python 3.10 found. Rasa Open Source 3.6 needs Python < 3.11, and this project needs 3.10.
Install Python 3.10 (for example `pyenv install 3.10.13`, or your system's python3.10 package),
or point to one with PYTHON=/path/to/python3.10 make run
MSG
else
  cat >&2 <<'MSG'
error: no Python 3.13 or 3.12 found. The action server and the knowledge library (.venv-actions) run on a
supported Python with a current rasa-sdk. Install one (for example `pyenv install 3.13.0`, or your system's
python3.13 or python3.12 package), or point to one with ACTIONS_PYTHON=/path/to/python3.13 make run
MSG
fi
exit 1
