# Shared by the scripts: install what the machine lacks, from Debian's packages and the npm/NuGet registries.
# Sourced, not run.
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

_apt_updated=""
apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then echo "needs Debian packages: ${missing[*]} (run as root or install them)" >&2; return 1; fi
  [ -n "$_apt_updated" ] || { apt-get update -qq; _apt_updated=1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_dotnet() {
  command -v dotnet >/dev/null 2>&1 && dotnet --list-sdks | grep -q '^10\.' && return 0
  echo "installing the .NET 10 SDK" >&2
  apt_install dotnet-sdk-10.0
}

ensure_node() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 && return 0
  echo "installing Node.js" >&2
  apt_install nodejs npm
}

# Azurite and MailDev (the tests' SMTP server) are devDependencies: install them when node_modules is missing or older than the lock file.
ensure_npm_packages() {
  ensure_node
  local stamp="$REPO_ROOT/node_modules/.package-lock.json"
  if [ ! -f "$stamp" ] || [ "$REPO_ROOT/package-lock.json" -nt "$stamp" ]; then
    (cd "$REPO_ROOT" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

ensure_zip() { command -v zip >/dev/null 2>&1 || apt_install zip; }

# What docs/quickstart.md's commands use, which QuickStartTests runs.
ensure_shell_tools() {
  local missing=()
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  command -v openssl >/dev/null 2>&1 || missing+=(openssl)
  [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
}

# A real Request Tracker 5 for the RT connector's tests (tests/Hub.Testing/RealRt.cs): Debian's packages, about 40 s
# to install on a fresh machine. The tests start their own instance; nothing here configures or starts the system's RT.
RT_PACKAGES=(request-tracker5 rt5-db-sqlite rt5-standalone)
ensure_rt() {
  [ -x /usr/share/request-tracker5/libexec/rt-server ] && [ -x /usr/sbin/rt-setup-database-5 ] \
    && dpkg -s "${RT_PACKAGES[@]}" >/dev/null 2>&1 && return 0
  echo "installing Request Tracker 5 (${RT_PACKAGES[*]})" >&2
  apt_install "${RT_PACKAGES[@]}"
}

ensure_chromium() { [ -x /usr/bin/chromium ] || apt_install chromium; }
