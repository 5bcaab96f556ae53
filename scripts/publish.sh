#!/usr/bin/env bash
# Builds the Functions app package: a self-contained ReadyToRun linux-x64 build of the hub, host.json and one
# folder per function with its function.json, zipped for zip deploy.
# Usage: scripts/publish.sh [output-zip]   (default artifacts/publish/hub-functions.zip; the unzipped app folder is
# artifacts/publish/app, or PUBLISH_APP_DIR)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"
ensure_dotnet
ensure_zip

out_zip="${1:-$REPO_ROOT/artifacts/publish/hub-functions.zip}"
app="${PUBLISH_APP_DIR:-$REPO_ROOT/artifacts/publish/app}"
rm -rf "$app" && mkdir -p "$app" "$(dirname "$out_zip")"

dotnet publish functions/Hub.Functions/Hub.Functions.csproj -c Release -r linux-x64 --self-contained \
  -p:PublishReadyToRun=true -p:DebugType=none --nologo -v quiet -o "$app"

cp host.json "$app/"
# The domain configuration (Hub__Config defaults to config/hub.yaml next to host.json).
cp -r config "$app/"
count=0
for fj in functions/*/function.json; do
  name=$(basename "$(dirname "$fj")")
  mkdir -p "$app/$name" && cp "$fj" "$app/$name/"
  count=$((count + 1))
done
exe=$(sed -n 's/.*"defaultExecutablePath" *: *"\([^"]*\)".*/\1/p' host.json)
[ -x "$app/$exe" ] || { echo "host.json names executable '$exe' but the publish has no such file" >&2; exit 1; }

rm -f "$out_zip"
(cd "$app" && zip -qr "$out_zip" .)
echo "published $count functions and $exe to $out_zip ($(du -h "$out_zip" | cut -f1))"
