#!/usr/bin/env bash
# Builds the package Azure runs for dotnet-isolated: `dotnet publish` of functions/Hub.App (the worker, its
# dependencies and config/), with the host.json, functions.metadata, worker.config.json, extensions.json and
# .azurefunctions/ that the Worker.Sdk writes, zipped for zip deploy (az functionapp deployment source config-zip,
# or the Flex Consumption one-deploy that the same command uses).
# Usage: scripts/publish.sh [output-zip]   (default artifacts/publish/hub-functions.zip; the unzipped app folder is
# artifacts/publish/app, or PUBLISH_APP_DIR). PUBLISH_NO_BUILD=1 packages an existing Release build (the tests do:
# their own build has just built Hub.App).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"
ensure_dotnet
ensure_zip

out_zip="${1:-$REPO_ROOT/artifacts/publish/hub-functions.zip}"
app="${PUBLISH_APP_DIR:-$REPO_ROOT/artifacts/publish/app}"
rm -rf "$app" && mkdir -p "$app" "$(dirname "$out_zip")"
out_zip="$(cd "$(dirname "$out_zip")" && pwd)/$(basename "$out_zip")"

# Framework-dependent: the platform provides .NET 10 for dotnet-isolated (FUNCTIONS_WORKER_RUNTIME, linuxFxVersion or
# Flex Consumption's runtime setting).
build=()
[ "${PUBLISH_NO_BUILD:-}" = 1 ] && build=(--no-build)
dotnet publish functions/Hub.App/Hub.App.csproj -c Release "${build[@]}" -p:DebugType=none --nologo -v quiet -clp:ErrorsOnly -o "$app"

for required in host.json functions.metadata worker.config.json extensions.json .azurefunctions Hub.App.dll config/hub.yaml; do
  [ -e "$app/$required" ] || { echo "the publish output lacks $required" >&2; exit 1; }
done
if grep -q '"customHandler"' "$app/host.json"; then echo "host.json still has a customHandler section" >&2; exit 1; fi
count=$(grep -c '"scriptFile"' "$app/functions.metadata" || true)

rm -f "$out_zip"
# -y keeps links as links; the dot folder .azurefunctions is included by zipping "." rather than "*".
(cd "$app" && zip -qry "$out_zip" .)
echo "published Hub.App with $count functions to $out_zip ($(du -h "$out_zip" | cut -f1))"
