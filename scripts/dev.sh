#!/usr/bin/env bash
# Runs the hub locally: installs what it needs, starts Azurite (data in .azurite/) and the hub, prints the URLs, and
# stops both on Ctrl-C. The hub runs under the Azure Functions Core Tools (`func start` in functions/Hub.App's build
# output) when `func` is on PATH, else on the standalone host (functions/Hub.Standalone). Settings come from
# local.settings.json (created from the sample once; Hub.App's build copies it beside the app for func).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"
ensure_dotnet
ensure_npm_packages

[ -f local.settings.json ] || { cp local.settings.sample.json local.settings.json; echo "created local.settings.json from the sample"; }

pids=()
# The hub first, so it stops while storage still answers; then Azurite.
cleanup() {
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[i]}" 2>/dev/null || true; wait "${pids[i]}" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if listening 10000 && listening 10001 && listening 10002; then
  echo "Azurite (or another storage emulator) already listens on 10000-10002; using it"
else
  mkdir -p .azurite
  node node_modules/azurite/dist/src/azurite.js --location .azurite --debug .azurite/debug.log --silent --disableTelemetry --skipApiVersionCheck \
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 >.azurite/azurite.log 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do listening 10000 && listening 10001 && listening 10002 && break; sleep 0.2; done
  listening 10002 || { echo "Azurite did not start; see .azurite/azurite.log" >&2; exit 1; }
fi

url=$(sed -n 's/.*"Hub__Urls" *: *"\([^";]*\).*/\1/p' local.settings.json)
url="${Hub__Urls:-${url:-http://127.0.0.1:7071}}"
if command -v func >/dev/null 2>&1; then
  mode="Azure Functions Core Tools, func start in functions/Hub.App/bin/Debug/net10.0"
  # The Functions host's own admin API runs non-HTTP functions; it takes the host's master key, not Hub__AdminKey.
  timer_key="<the host's master key>"
  dotnet build functions/Hub.App/Hub.App.csproj -c Debug --nologo -v quiet -clp:ErrorsOnly
  port="${url##*:}"; port="${port%%/*}"
  (cd functions/Hub.App/bin/Debug/net10.0 && exec func start --port "$port") &
else
  mode="standalone host; install the Azure Functions Core Tools to run under func instead"
  timer_key="<Hub__AdminKey>"
  dotnet build functions/Hub.Standalone/Hub.Standalone.csproj -c Debug --nologo -v quiet -clp:ErrorsOnly
  dotnet functions/Hub.Standalone/bin/Debug/net10.0/Hub.Standalone.dll &
fi
pids+=($!)

for _ in $(seq 1 120); do
  if curl -fsS "$url/api/health" >/dev/null 2>&1; then
    cat <<TXT

Integration Hub is running ($mode; settings from local.settings.json)
  hub          $url
  dashboard    $url/   (sign in with an API key of local.settings.json, e.g. dev-only-operator-key-0123456789)
  health       $url/api/health
  poison list  $url/api/admin/poison   (header x-functions-key: Hub__AdminKey)
  run a timer  curl -X POST -H 'x-functions-key: $timer_key' $url/admin/functions/Housekeeping
  Azurite      blob http://127.0.0.1:10000  queue http://127.0.0.1:10001  table http://127.0.0.1:10002 (data in .azurite/)
Ctrl-C stops both.
TXT
    wait "${pids[-1]}"
    exit $?
  fi
  kill -0 "${pids[-1]}" 2>/dev/null || { echo "the hub exited; see its output above" >&2; exit 1; }
  sleep 0.5
done
echo "the hub did not answer $url/api/health within 60 s" >&2
exit 1
