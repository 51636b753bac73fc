#!/usr/bin/env bash
# Time each part of a newcomer's first `make test`, in a fresh clone of HEAD with a fresh HOME
# (empty pip, uv and npm caches) and no virtualenv on PATH (a script, not a test).
#   bash scripts/bench_setup.sh
# Chromium is timed only where it is not installed yet (apt-get then downloads it).
set -euo pipefail
top=$(git rev-parse --show-toplevel)
work=$(mktemp -d /tmp/bench-setup.XXXXXX)
git clone -q "$top" "$work/src"
mkdir "$work/home"
clean_path=$(printf '%s' "$PATH" | tr ':' '\n' | grep -v -e '/\.venv/' -e '/venv/' | paste -sd: -)
run() {  # run a make target as a newcomer would, and print how long it took
  local start=$SECONDS
  (cd "$work/src" && env -i HOME="$work/home" PATH="$clean_path" LANG=C.UTF-8 TERM=dumb CI=true make "$@") \
    > "$work/make-${1//\//_}.log" 2>&1
  printf '%-28s %4d s\n' "make $*" $((SECONDS - start))
}
total=$SECONDS
run .uv/bin/uv            # pip installs the pinned uv
run .venv/.installed      # uv sync --locked: every Python package of docs and test
run node_modules/.installed  # npm ci: KaTeX
if [ -x "${CHROMIUM:-/usr/bin/chromium}" ]; then echo "make browser                 (Chromium already installed, not timed)"; else run browser; fi
run test                  # pytest, on both cores (the set-up steps above are done)
printf '%-28s %4d s\n' "total" $((SECONDS - total))
rm -rf "$work"
