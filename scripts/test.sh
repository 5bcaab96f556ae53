#!/usr/bin/env bash
# Installs what the tests need and runs every test. Usage: scripts/test.sh [extra dotnet test arguments]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"
ensure_dotnet
ensure_shell_tools
ensure_node
# RT's and Chromium's packages (one apt at a time) and npm's install run while the solution builds (the build is the
# long part), not before it. Chromium is Debian's, driven by Playwright in the dashboard tests.
rt_log="$(mktemp)"
{ ensure_rt && ensure_chromium; } >"$rt_log" 2>&1 &
rt_install=$!

results="$REPO_ROOT/artifacts/test-results"
rm -rf "$results"
mkdir -p "$REPO_ROOT/artifacts"
npm_log="$REPO_ROOT/artifacts/npm-install.log"
ensure_npm_packages >"$npm_log" 2>&1 &
npm_pid=$!
dotnet build Serverless.sln -c Release --nologo -v quiet -clp:ErrorsOnly
wait "$npm_pid" || { cat "$npm_log" >&2; echo "npm install failed" >&2; exit 1; }
if ! wait "$rt_install"; then cat "$rt_log" >&2; rm -f "$rt_log"; echo "could not install Request Tracker 5 or Chromium" >&2; exit 1; fi
rm -f "$rt_log"
status=0
dotnet test Serverless.sln -c Release --no-build --nologo \
  --blame-hang-timeout 6m \
  --logger "trx" --results-directory "$results" --logger "console;verbosity=minimal" "$@" || status=$?

# One closing line for the whole run, summed over every test assembly's TRX counters.
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); passed=$((passed + ${p:-0}))
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters"); failed=$((failed + ${f:-0}))
  n=$(sed -n 's/.* notExecuted="\([0-9]*\)".*/\1/p' <<<"$counters"); skipped=$((skipped + ${n:-0}))
done
echo "Tests: $passed passed, $failed failed, $skipped skipped"
if [ "$passed" -eq 0 ] && [ "$status" -eq 0 ]; then echo "no test ran" >&2; status=1; fi
exit "$status"
