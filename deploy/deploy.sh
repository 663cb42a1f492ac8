#!/usr/bin/env bash
# Deploys FlakeGuard with compose: a thin wrapper that picks the environment's settings (deploy/env/),
# the compose file of the chosen shape, the image tag (remembering the previous one for --rollback),
# then brings the services up and waits for /readyz. Every command it runs is printed; --dry-run only prints.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

usage() {
  cat <<'EOF'
Usage: deploy/deploy.sh --environment development|staging|production [options]

Options:
  --environment ENV   which deploy/env/ENV.env to use (required); ENV.local.env (git-ignored) is read after it
  --tag vX            image tag to deploy (default: build "local" from dist/flakeguard); remembered per environment
  --rollback          deploy the tag deployed before the current one (swaps them)
  --postgres          one VM with PostgreSQL (deploy/docker-compose.postgres.yml)
  --scale             scaled out: PostgreSQL, Redis, NGINX, api and worker replicas (deploy/docker-compose.scale.yml)
  --monitoring        add Prometheus and Grafana (deploy/docker-compose.monitoring.yml)
  --seed-data         fill a demo project (flakeguard seed --demo, 120 tests, 60 commits) before starting
  --down              stop and remove the services (volumes stay)
  --dry-run           print the commands without running them
  -h, --help          this help

Environment: FLAKEGUARD_COMPOSE overrides the compose command (default: "docker compose", else
podman-compose, else docker-compose); FLAKEGUARD_IMAGE the image name (default localhost/flakeguard);
FLAKEGUARD_STATE_DIR where deployed tags are recorded (default deploy/.state); FLAKEGUARD_COMPOSE_PROJECT
the compose project (default flakeguard-ENV). Variables set by the caller win over deploy/env/ files.

Examples:
  deploy/deploy.sh --environment development --seed-data
  deploy/deploy.sh --environment production --scale --monitoring --tag v1.4.0
  deploy/deploy.sh --environment production --scale --rollback
EOF
}

die() { echo "deploy.sh: $*" >&2; exit 2; }

environment="" tag="" rollback=0 shape="one-vm" monitoring=0 seed=0 down=0 dry=0
while [ $# -gt 0 ]; do
  case "$1" in
    --environment) [ $# -ge 2 ] || die "--environment needs a value"; environment="$2"; shift 2 ;;
    --environment=*) environment="${1#*=}"; shift ;;
    --tag) [ $# -ge 2 ] || die "--tag needs a value"; tag="$2"; shift 2 ;;
    --tag=*) tag="${1#*=}"; shift ;;
    --rollback) rollback=1; shift ;;
    --postgres) shape="postgres"; shift ;;
    --scale) shape="scale"; shift ;;
    --monitoring) monitoring=1; shift ;;
    --seed-data) seed=1; shift ;;
    --down) down=1; shift ;;
    --dry-run) dry=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done

case "$environment" in
  development|staging|production) ;;
  "") die "--environment is required (development, staging or production)" ;;
  *) die "unknown environment '$environment' (development, staging or production)" ;;
esac
[ -f "$here/env/$environment.env" ] || die "missing $here/env/$environment.env"
if [ "$rollback" = 1 ] && [ -n "$tag" ]; then die "--rollback and --tag exclude each other"; fi

run() {
  printf '+ %s\n' "$*"
  [ "$dry" = 1 ] || "$@"
}

# Settings: the environment's file, then its local secrets, read as compose reads env files (KEY=value,
# no shell quoting) and exported for compose's ${...} substitution. As with compose, a variable already
# set by the caller wins over the file.
load_env() {
  local key value
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in ''|'#'*) continue ;; esac
    key="${line%%=*}" value="${line#*=}"
    [[ "$key" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "$1: not KEY=value: $line"
    if [ -z "${!key+set}" ]; then export "$key=$value"; fi
  done <"$1"
}
load_env "$here/env/$environment.env"
if [ -f "$here/env/$environment.local.env" ]; then load_env "$here/env/$environment.local.env"; fi
export FLAKEGUARD_ENVIRONMENT="$environment"

# Which tag: given, rolled back to, or the locally built one. The state file keeps current and previous.
state_dir="${FLAKEGUARD_STATE_DIR:-$here/.state}"
state="$state_dir/$environment.tags"
current="" previous=""
if [ -f "$state" ]; then
  current="$(sed -n 's/^current=//p' "$state")"
  previous="$(sed -n 's/^previous=//p' "$state")"
fi
if [ "$rollback" = 1 ]; then
  [ -n "$previous" ] || die "nothing to roll back to: no previous tag recorded in $state"
  tag="$previous"
fi
tag="${tag:-local}"
export FLAKEGUARD_TAG="$tag"

# The compose command: explicit, else docker compose, else podman-compose, else docker-compose.
if [ -n "${FLAKEGUARD_COMPOSE:-}" ]; then
  read -r -a compose <<<"$FLAKEGUARD_COMPOSE"
elif command -v docker >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
elif command -v podman-compose >/dev/null 2>&1; then
  compose=(podman-compose)
elif command -v docker-compose >/dev/null 2>&1; then
  compose=(docker-compose)
else
  die "no compose found: install docker compose or podman-compose (or set FLAKEGUARD_COMPOSE)"
fi

case "$shape" in
  one-vm) files=(-f "$here/docker-compose.yml") service=flakeguard ;;
  postgres) files=(-f "$here/docker-compose.postgres.yml") service=flakeguard ;;
  scale) files=(-f "$here/docker-compose.scale.yml") service=api ;;
esac
if [ "$monitoring" = 1 ]; then files+=(-f "$here/docker-compose.monitoring.yml"); fi
project=(-p "${FLAKEGUARD_COMPOSE_PROJECT:-flakeguard-$environment}")
# podman builds OCI images by default, which drop HEALTHCHECK; the Docker format keeps it.
export BUILDAH_FORMAT="${BUILDAH_FORMAT:-docker}"

echo "environment $environment, $shape, tag $tag (current ${current:-none}, previous ${previous:-none}), compose: ${compose[*]}"

if [ "$down" = 1 ]; then
  run "${compose[@]}" "${project[@]}" "${files[@]}" down
  exit 0
fi

# The locally built tag comes from dist/flakeguard; a release tag is pulled (or loaded beforehand).
if [ "$tag" = "local" ]; then
  [ "$dry" = 1 ] || [ -x "$here/../dist/flakeguard" ] || die "dist/flakeguard is missing: run npm run build first (or pass --tag)"
  run "${compose[@]}" "${project[@]}" "${files[@]}" build
fi
if [ "$seed" = 1 ]; then
  if [ "$shape" = scale ]; then run "${compose[@]}" "${project[@]}" "${files[@]}" up -d postgres redis migrate; fi
  run "${compose[@]}" "${project[@]}" "${files[@]}" run --rm "$service" seed --demo --tests 120 --commits 60 ||
    echo "deploy.sh: seeding failed (the demo project may exist already); going on" >&2
fi
run "${compose[@]}" "${project[@]}" "${files[@]}" up -d

# Record the tag: a rollback swaps current and previous; a new tag pushes current to previous.
if [ "$dry" = 0 ]; then
  mkdir -p "$state_dir"
  if [ "$rollback" = 1 ]; then
    printf 'current=%s\nprevious=%s\n' "$tag" "$current" >"$state"
  elif [ "$tag" != "$current" ]; then
    printf 'current=%s\nprevious=%s\n' "$tag" "$current" >"$state"
  fi
else
  if [ "$rollback" = 1 ]; then echo "would record current=$tag previous=$current in $state"
  elif [ "$tag" != "$current" ]; then echo "would record current=$tag previous=$current in $state"
  fi
fi

port="${FLAKEGUARD_PUBLISH:-127.0.0.1:8080}"
port="${port##*:}"
run "$here/health-check.sh" --url "http://127.0.0.1:$port/readyz" --timeout "${FLAKEGUARD_HEALTH_TIMEOUT:-120}" || {
  echo "deploy.sh: not healthy; to go back: deploy/deploy.sh --environment $environment --rollback" >&2
  exit 1
}
