#!/usr/bin/env bash
# Installs the Debian packages Shuniu builds against, when they are missing.
# Safe to run again: it does nothing when everything is there.
set -euo pipefail

# The -dev packages build Shuniu; openssl and python3 make the TLS test's certificates and server;
# curl runs Ops/push-with-curl.sh and Ops/attack.sh
# (python3 also runs the OpenAPI validator). dpkg-dev (dpkg-shlibdeps) and binutils (objdump,
# strip) build the Debian package; its install test uses debootstrap (a Debian 12 root), iproute2
# (a private network), systemd (systemd-analyze scores the unit) and python3-seccomp (the daemon
# run under the unit's system-call filter). postgresql gives the PostgreSQL engine's tests their
# server binaries (initdb, postgres, pg_isready): each test suite starts a throwaway cluster of its
# own, so the cluster the package makes is stopped and set not to start (below).
packages=(libcurl4-openssl-dev libssl-dev libsqlite3-dev pkg-config openssl ca-certificates curl
    dpkg-dev binutils debootstrap iproute2 systemd python3-seccomp postgresql)
command -v python3 >/dev/null || packages+=(python3 python3-pip)
sudo_cmd=()
[[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if ((${#missing[@]})); then
    echo "installing: ${missing[*]}" >&2
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Debian's postgresql package makes a cluster (main) and may start it: the tests do not use it, and
# a server left running would hold memory and port 5432 for nothing. Stop it and keep it stopped.
if command -v pg_lsclusters >/dev/null; then
    pg_lsclusters --no-header 2>/dev/null | while read -r version name _ status _; do
        if [[ $status == online* ]]; then
            echo "stopping Debian's PostgreSQL cluster $version/$name (the tests start their own)" >&2
            "${sudo_cmd[@]}" pg_ctlcluster "$version" "$name" stop || true
        fi
        conf="/etc/postgresql/$version/$name/start.conf"
        if [[ -f $conf ]] && ! grep -qx manual "$conf"; then
            echo manual | "${sudo_cmd[@]}" tee "$conf" >/dev/null
        fi
    done
fi

# The OpenAPI test checks the served document with an independent validator from PyPI.
if ! python3 -c 'import openapi_spec_validator' 2>/dev/null; then
    echo "installing: openapi-spec-validator (PyPI)" >&2
    python3 -m pip install -q openapi-spec-validator 2>/dev/null ||
        python3 -m pip install -q --break-system-packages openapi-spec-validator
fi

# The metrics test checks /metrics with Prometheus' own text-format parser from PyPI.
if ! python3 -c 'import prometheus_client' 2>/dev/null; then
    echo "installing: prometheus-client (PyPI)" >&2
    python3 -m pip install -q prometheus-client 2>/dev/null ||
        python3 -m pip install -q --break-system-packages prometheus-client
fi

# The alert rules are checked by promtool, from Debian's prometheus package: only that one tool is
# taken out of the package (installing it would also install and start a Prometheus server).
if ! command -v promtool >/dev/null; then
    echo "installing: promtool (from Debian's prometheus package)" >&2
    download=$(mktemp -d)
    trap 'rm -rf "$download"' EXIT
    (cd "$download" && apt-get download -q prometheus >/dev/null 2>&1 ||
        { "${sudo_cmd[@]}" apt-get update -qq && apt-get download -q prometheus >/dev/null 2>&1; })
    dpkg-deb --fsys-tarfile "$download"/prometheus_*.deb | tar -x -C "$download" ./usr/bin/promtool
    "${sudo_cmd[@]}" install -m 0755 "$download/usr/bin/promtool" /usr/local/bin/promtool
    rm -rf "$download"
    trap - EXIT
fi

command -v swift >/dev/null || { echo "swift is not on the PATH: install the Swift 6.3 toolchain first" >&2; exit 1; }
