#!/usr/bin/env bash
# The whole test suite, from a fresh machine: system packages for the interop
# and browser tests (Go + Debian's gorilla packages and mongo driver, Chromium),
# the Python dev dependencies, the wire backend's server venv, then pytest.
# Extra arguments go to pytest.
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

# The wire backend: mongoeco's MongoDB wire-protocol server needs Python >= 3.13,
# so it gets its own small venv (git-ignored); tests/support/wire.py runs it.
# Without such a Python the wire tests skip (CI sets MONGOSTORE_REQUIRE_WIRE=1:
# then they fail instead).
find_server_python() {
    local candidate
    for candidate in python3 python3.13 python3.14 python; do
        if command -v "$candidate" >/dev/null \
            && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 13))' 2>/dev/null; then
            command -v "$candidate"
            return
        fi
    done
    if command -v pyenv >/dev/null; then
        for candidate in "$(pyenv root)"/versions/3.1[3-9]*/bin/python; do
            if [ -x "$candidate" ]; then
                echo "$candidate"
                return
            fi
        done
    fi
    return 1
}
wire_venv=.wire-venv
if [ -z "${MONGOSTORE_WIRE_PYTHON:-}" ]; then
    if [ ! -x "$wire_venv/bin/python" ] \
        || ! "$wire_venv/bin/python" -c 'import mongoeco.wire' 2>/dev/null; then
        if server_python=$(find_server_python); then
            echo "scripts/test.sh: building $wire_venv (mongoeco[wire]) with $server_python"
            "$server_python" -m venv --clear "$wire_venv"
            "$wire_venv/bin/python" -m pip install -q 'mongoeco[wire]' \
                || echo "scripts/test.sh: installing mongoeco[wire] failed; wire tests will not run"
        else
            echo "scripts/test.sh: no Python >= 3.13 (PATH or pyenv); the wire backend is unavailable"
        fi
    fi
    if [ -x "$wire_venv/bin/python" ]; then
        MONGOSTORE_WIRE_PYTHON="$PWD/$wire_venv/bin/python"
        export MONGOSTORE_WIRE_PYTHON
    fi
fi
exec python -m pytest "$@"
