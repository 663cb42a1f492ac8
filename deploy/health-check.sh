#!/usr/bin/env bash
# Waits until FlakeGuard answers /readyz (200), through `flakeguard health` when the executable is at
# hand, else curl. Exit 0 healthy, 1 not healthy within the timeout. Used by deploy.sh after `up`.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
url="http://127.0.0.1:8080/readyz" timeout=60 interval=2

usage() {
  cat <<'EOF2'
Usage: deploy/health-check.sh [--url URL] [--timeout SECONDS] [--interval SECONDS]

  --url URL          what to check (default http://127.0.0.1:8080/readyz)
  --timeout SECONDS  give up after this long (default 60; 0: check once)
  --interval SECONDS between checks (default 2)
EOF2
}

while [ $# -gt 0 ]; do
  case "$1" in
    --url) url="$2"; shift 2 ;;
    --timeout) timeout="$2"; shift 2 ;;
    --interval) interval="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "health-check.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done

if command -v flakeguard >/dev/null 2>&1; then check=(flakeguard health --timeout 5 --url "$url")
elif [ -x "$here/../dist/flakeguard" ]; then check=("$here/../dist/flakeguard" health --timeout 5 --url "$url")
else check=(curl -fsS --max-time 5 -o /dev/null "$url")
fi

deadline=$(( $(date +%s) + timeout ))
while :; do
  if "${check[@]}"; then echo "healthy: $url"; exit 0; fi
  [ "$(date +%s)" -lt "$deadline" ] || break
  sleep "$interval"
done
echo "health-check.sh: $url not healthy after ${timeout}s" >&2
exit 1
