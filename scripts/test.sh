#!/usr/bin/env bash
# The whole test suite, from a fresh machine: system packages for the interop
# and browser tests (Go + Debian's gorilla packages, Chromium), the Python
# dev dependencies, then pytest. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

system_packages=(golang-go golang-github-gorilla-securecookie-dev golang-github-gorilla-sessions-dev
                 golang-mongodb-mongo-driver-dev chromium chromium-driver)
missing=()
for pkg in "${system_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
    if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
        echo "scripts/test.sh: installing ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        echo "scripts/test.sh: not root or no apt-get; Go interop and browser tests will skip (missing: ${missing[*]})"
    fi
fi

python -m pip install -q -e '.[dev]'
exec python -m pytest "$@"
