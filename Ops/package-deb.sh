#!/usr/bin/env bash
# Builds the Debian package shuniu_<version>_<arch>.deb, in .build-release/deb/ unless --output
# names a folder; says where on standard error, and prints the .deb's path as its last line.
#
#   Ops/package-deb.sh [--version-suffix S] [--binary PATH] [--output DIR]
#
# The release build links the Swift runtime statically (its own scratch path .build-release, so
# the debug build is left alone) after Ops/stamp-build-info.sh wrote the commit in; the stamp is
# undone however the build ends. The version is BuildInfo.version, "+S" appended with
# --version-suffix (a later package of the same build, e.g. to test an upgrade). --binary packages
# a shuniu already built (no build). Depends is computed from the binary's NEEDED libraries.
set -euo pipefail
caller=$PWD
cd "$(dirname "$0")/.."
repo=$PWD

suffix=""
binary=""
output="$repo/.build-release/deb"
while (($#)); do
    case "$1" in
        --version-suffix) suffix=${2:?--version-suffix needs a value}; shift 2 ;;
        --binary) binary=${2:?--binary needs a path}; shift 2 ;;
        --output) output=${2:?--output needs a folder}; shift 2 ;;
        -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "package-deb: unknown option $1 (see --help)" >&2; exit 64 ;;
    esac
done
# Paths given are the caller's, not the repository's.
[[ -z $binary || $binary == /* ]] || binary="$caller/$binary"
[[ $output == /* ]] || output="$caller/$output"
if [[ -n $suffix && ! $suffix =~ ^[A-Za-z0-9.~]+$ ]]; then
    echo "package-deb: --version-suffix must be letters, digits, '.' or '~': $suffix" >&2
    exit 64
fi

version=$(sed -n -E 's/.*static let version = "([^"]+)".*/\1/p' Sources/ShuniuApp/BuildInfo.swift)
[[ -n $version ]] || { echo "package-deb: no version in Sources/ShuniuApp/BuildInfo.swift" >&2; exit 1; }
[[ -n $suffix ]] && version="$version+$suffix"
arch=$(dpkg --print-architecture)

if [[ -z $binary ]]; then
    # The stamp must not outlive the build, whatever happens to it.
    trap 'Ops/stamp-build-info.sh --restore >/dev/null' EXIT
    Ops/stamp-build-info.sh
    # SwiftPM reuses its build plan when only --static-swift-stdlib changed (after another build
    # in this scratch path, such as a plugin's), and would link the runtime dynamically: plan anew.
    rm -f .build-release/release.yaml .build-release/*/release/description.json
    swift build -c release --static-swift-stdlib --product shuniu --scratch-path .build-release
    Ops/stamp-build-info.sh --restore >/dev/null
    trap - EXIT
    binary="$repo/.build-release/release/shuniu"
fi
[[ -x $binary ]] || { echo "package-deb: no executable at $binary" >&2; exit 1; }
binary=$(realpath "$binary")

# The Swift runtime must be inside the binary: the target machine has no Swift.
if objdump -p "$binary" | awk '$1 == "NEEDED" {print $2}' | grep -q '^libswift\|^libFoundation'; then
    echo "package-deb: $binary links the Swift runtime dynamically (build with --static-swift-stdlib)" >&2
    exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root="$work/root"
mkdir -p "$root/DEBIAN"

# The program, its spec and mapping files, and the CA trust list (public material only: keys
# never go into the package).
install -D -m 0755 "$binary" "$root/usr/bin/shuniu"
# As Debian's dh_strip: symbols the program does not need go (the Swift metadata stays).
strip --strip-unneeded --remove-section=.comment "$root/usr/bin/shuniu"
git ls-files -z Mappings Certs | while IFS= read -r -d '' file; do
    case "$file" in *.key|*-key.pem|*.p12|*.pfx) continue ;; esac
    install -D -m 0644 "$file" "$root/usr/share/shuniu/$file"
done
mkdir -p "$root/usr/share/shuniu/Certs"

# The configuration is the example with the packaged paths, so the two never drift.
config="$root/etc/shuniu/shuniu.yaml"
install -d -m 0755 "$root/etc/shuniu"
{
    echo "# Shuniu configuration, installed by the Debian package: every key with its embedded"
    echo "# default. Change what you need, then \`systemctl restart shuniu\`. Unknown keys and bad values"
    echo "# stop start-up with a message naming the key and line."
    # The example's own header (about copying it) is left out: everything from its first key on.
    awk 'body || !/^#/ { body = 1; print }' Ops/config/shuniu.example.yaml |
        sed -E \
            -e 's|^(  dataDir: )\./var( .*)?$|\1/var/lib/shuniu\2|' \
            -e 's|^(  mappings: )\./Mappings( .*)?$|\1/usr/share/shuniu/Mappings\2|' \
            -e 's|^(  certs: )\./Certs( .*)?$|\1/usr/share/shuniu/Certs\2|'
} > "$config"
chmod 0640 "$config"
for expected in "dataDir: /var/lib/shuniu" "mappings: /usr/share/shuniu/Mappings" \
    "certs: /usr/share/shuniu/Certs" "host: 127.0.0.1" "port: 8480"; do
    grep -q "^  $expected\b" "$config" ||
        { echo "package-deb: the example configuration no longer has '$expected' where expected" >&2; exit 1; }
done

install -D -m 0644 Ops/systemd/shuniu.service "$root/lib/systemd/system/shuniu.service"
# More instances on this machine, for a hub on PostgreSQL (README, "Running several instances"):
# shuniu@2.service is shuniu.service with its own data folder and port
# (/etc/shuniu/instance-2.env: SHUNIU_PORT=8481), made from it so that the sandbox stays one text.
sed -e 's|^Description=.*|Description=Shuniu data-exchange hub, instance %i (several instances on one PostgreSQL database)|' \
    -e 's|^ExecStart=.*|ExecStart=/usr/bin/shuniu serve --config /etc/shuniu/shuniu.yaml --data-dir /var/lib/shuniu-%i --port ${SHUNIU_PORT}|' \
    -e 's|^StateDirectory=shuniu$|StateDirectory=shuniu-%i|' \
    -e 's|^WorkingDirectory=/var/lib/shuniu$|WorkingDirectory=/var/lib/shuniu-%i|' \
    -e '/^\[Service\]$/a EnvironmentFile=/etc/shuniu/instance-%i.env' \
    Ops/systemd/shuniu.service | install -D -m 0644 /dev/stdin "$root/lib/systemd/system/shuniu@.service"
grep -q '^ExecStart=.*--data-dir /var/lib/shuniu-%i --port ${SHUNIU_PORT}$' "$root/lib/systemd/system/shuniu@.service" ||
    { echo "package-deb: shuniu@.service was not made from shuniu.service" >&2; exit 1; }

# Completions and the manual come from the CLI itself.
# A completion file is sourced, not run: no #! line.
"$root/usr/bin/shuniu" --generate-completion-script bash | sed '1{/^#!/d}' |
    install -D -m 0644 /dev/stdin "$root/usr/share/bash-completion/completions/shuniu"
"$root/usr/bin/shuniu" --generate-completion-script zsh |
    install -D -m 0644 /dev/stdin "$root/usr/share/zsh/vendor-completions/_shuniu"
"$root/usr/bin/shuniu" --generate-completion-script fish |
    install -D -m 0644 /dev/stdin "$root/usr/share/fish/vendor_completions.d/shuniu.fish"
mkdir -p "$root/usr/share/man/man1"
python3 Ops/deb/make-manual.py "$root/usr/bin/shuniu" "$version" "$root/usr/share/man/man1"
gzip -9n "$root"/usr/share/man/man1/*.1

install -D -m 0644 Ops/deb/copyright "$root/usr/share/doc/shuniu/copyright"
maintainer="Shuniu maintainers <shuniu@localhost>"
# Debian wants a changelog; the package's is one entry naming the commit built.
{
    printf 'shuniu (%s) stable; urgency=medium\n\n' "$version"
    built_from=$("$root/usr/bin/shuniu" --version | sed -n 's/.*(commit \(.*\))$/\1/p')
    printf '  * Built from commit %s; see the repository history for changes.\n\n' "${built_from:-unknown}"
    printf ' -- %s  %s\n' "$maintainer" "$(git log -1 --format=%aD)"
} | gzip -9n > "$root/usr/share/doc/shuniu/changelog.gz"
chmod 0644 "$root/usr/share/doc/shuniu/changelog.gz"

# Depends: the packages that hold the binary's NEEDED libraries, with the versions their
# symbols need (dpkg-shlibdeps wants a debian/control to read, so give it one).
mkdir -p "$work/src/debian"
printf 'Source: shuniu\n\nPackage: shuniu\nArchitecture: any\n' > "$work/src/debian/control"
shlibs=$(cd "$work/src" && dpkg-shlibdeps -O "$root/usr/bin/shuniu" | sed -n 's/^shlibs:Depends=//p')
[[ -n $shlibs ]] || { echo "package-deb: dpkg-shlibdeps found no libraries" >&2; exit 1; }

installed_size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat > "$root/DEBIAN/control" <<EOF
Package: shuniu
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $installed_size
Depends: $shlibs, adduser, ca-certificates
Section: net
Priority: optional
Homepage: https://localhost/shuniu
Description: data-exchange hub of an e-bidding public service platform (枢纽)
 Shuniu takes trading platforms' records (pushed or pulled), checks them
 against the common data spec, keeps every version with an audit chain, and
 delivers them to superior hubs, supervision and credit platforms. The
 package runs it as the systemd service shuniu (user shuniu, store
 /var/lib/shuniu, configuration /etc/shuniu/shuniu.yaml).
EOF
echo /etc/shuniu/shuniu.yaml > "$root/DEBIAN/conffiles"
for script in postinst prerm postrm; do
    install -m 0755 "Ops/deb/$script" "$root/DEBIAN/$script"
done
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) \
    > "$root/DEBIAN/md5sums"

mkdir -p "$output"
deb="$(realpath "$output")/shuniu_${version}_${arch}.deb"
# The default folder holds the newest package alone, so `apt install ./…/shuniu_*.deb` finds one.
[[ $output == "$repo/.build-release/deb" ]] && rm -f "$output"/shuniu_*.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "package folder: $(dirname "$deb")" >&2
echo "$deb"
