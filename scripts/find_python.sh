#!/usr/bin/env bash
# Print the path of a Python 3.10 interpreter, or explain what to install. Rasa 3.6 does not run on 3.11+, and
# the project's code uses 3.10 (X | Y types at run time); 3.10 is the version it is tested on.
set -u
candidates=()
[ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
command -v python3.10 >/dev/null 2>&1 && candidates+=("$(command -v python3.10)")
if command -v pyenv >/dev/null 2>&1; then
  root=$(pyenv root)
  for dir in "$root"/versions/3.10.*; do
    [ -x "$dir/bin/python" ] && candidates+=("$dir/bin/python")
  done
fi
for python in "${candidates[@]}"; do
  if "$python" -c 'import sys; raise SystemExit(0 if sys.version_info[:2] == (3, 10) else 1)' 2>/dev/null; then
    echo "$python"; exit 0
  fi
done
cat >&2 <<'MSG'
error: no Python 3.10 found. Rasa Open Source 3.6 needs Python < 3.11, and this project needs 3.10.
Install Python 3.10 (for example `pyenv install 3.10.13`, or your system's python3.10 package),
or point to one with PYTHON=/path/to/python3.10 make run
MSG
exit 1
