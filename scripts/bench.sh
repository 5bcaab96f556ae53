#!/usr/bin/env bash
# Prints performance figures (nothing is asserted): storage operations on Azurite, the durable runtime, timer
# lateness, alert intake end to end, the release workflow end to end, incidents with escalation timers and the daily
# status run, each dashboard page's render time over 10,000 tickets and 1,000 releases, and the cold start of the
# published hub beside a plain 'dotnet new web' app published the same way.
# Usage: scripts/bench.sh [storage|durable|intake|releases|incidents|dashboard|coldstart ...]   (default: all)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"
ensure_dotnet
ensure_npm_packages

dotnet build tests/Hub.Bench/Hub.Bench.csproj -c Release --nologo -v quiet -clp:ErrorsOnly
bench=(dotnet tests/Hub.Bench/bin/Release/net10.0/Hub.Bench.dll)

want() { [ $# -eq 0 ] && return 0; for s in "$@"; do [ "$s" = "$want_name" ] && return 0; done; return 1; }
scenarios=()
for want_name in storage durable intake releases incidents dashboard; do want "$@" && scenarios+=("$want_name"); done

want_name=coldstart
if want "$@"; then
  # The standalone hub and the floor, an empty ASP.NET Core app, published the same way (self-contained, ReadyToRun).
  work="$REPO_ROOT/artifacts/bench"
  rm -rf "$work/plain" "$work/hub" && mkdir -p "$work"
  dotnet publish functions/Hub.Standalone/Hub.Standalone.csproj -c Release -r linux-x64 --self-contained \
    -p:PublishReadyToRun=true -p:DebugType=none --nologo -v quiet -o "$work/hub" >/dev/null
  # Empty Directory.*.props stop the repository's own from applying to it.
  (cd "$work" && dotnet new web -n plain -o plain --no-restore >/dev/null && \
    printf '<Project/>\n' > plain/Directory.Packages.props && printf '<Project/>\n' > plain/Directory.Build.props && \
    dotnet publish plain/plain.csproj -c Release -r linux-x64 --self-contained -p:PublishReadyToRun=true \
      -p:DebugType=none --nologo -v quiet -o plain/out >/dev/null)
  scenarios+=(coldstart "$work/hub" "$work/plain/out")
fi

"${bench[@]}" "${scenarios[@]}"
