#!/usr/bin/env bash
# Installs the Debian packages Shuniu builds against, when they are missing.
# Safe to run again: it does nothing when everything is there.
set -euo pipefail

packages=(libcurl4-openssl-dev libssl-dev libsqlite3-dev pkg-config)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if ((${#missing[@]})); then
    echo "installing: ${missing[*]}" >&2
    sudo_cmd=()
    [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

command -v swift >/dev/null || { echo "swift is not on the PATH: install the Swift 6.3 toolchain first" >&2; exit 1; }
