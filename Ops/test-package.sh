#!/usr/bin/env bash
# The Debian package's install test: installs DEB into a throwaway Debian 12 root with apt
# (which pulls libcurl4 and the rest from Debian), checks the account, files and modes, starts
# the daemon as its systemd unit would and waits for /readyz, upgrades to UPGRADE_DEB (default:
# the same binary packaged again with a later version), checks that an operator's edit of
# /etc/shuniu/shuniu.yaml and the store survived, starts again, then removes and purges it
# (configuration kept on remove, the store kept even on purge). Also checks the unit's
# `systemd-analyze security` score. Prints PASS/FAIL lines; exits 1 on any failure.
#
#   Ops/test-package.sh DEB [UPGRADE_DEB]
#
# Needs root, debootstrap (Ops/install-deps.sh installs it) and deb.debian.org. The pristine root
# is cached in /var/cache/shuniu-ci/ (made by debootstrap when missing, ~2 min); the root used
# is removed at the end. systemd does not run in a chroot, so the daemon is started as the
# unit's ExecStart by user shuniu with its umask, in a private network namespace (its port
# cannot clash with the host's).
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

readonly ready_timeout=60 stop_timeout=30
readonly cache_dir=/var/cache/shuniu-ci cache="/var/cache/shuniu-ci/bookworm-minbase.tar.gz"
readonly port=8480 test_platform=E4201000099

# --- Inside the private network namespace: one run of the daemon. ---------------------------
# Called as `test-package.sh --run-daemon ROOT LOG NAME UID:GID plain|sandboxed`; starts the
# daemon, waits for /readyz, runs `shuniu status`, stops it with SIGTERM; prints PASS/FAIL lines,
# exits 1 on a failure.
if [[ ${1:-} == --run-daemon ]]; then
    root=$2 log=$3 name=$4 user=$5 sandbox=$6 failures=0
    pass() { echo "PASS $name: $*"; }
    fail() { echo "FAIL $name: $*"; failures=$((failures + 1)); }
    ip link set lo up
    # The unit: User=shuniu, WorkingDirectory=/var/lib/shuniu, UMask=0077, ExecStart=…; with
    # "sandboxed", also its system-call filter and MemoryDenyWriteExecute (seccomp, as systemd).
    unit="$root/lib/systemd/system/shuniu.service"
    exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
    if [[ $sandbox == sandboxed ]]; then
        # shellcheck disable=SC2086 # ExecStart is words, as systemd splits it
        /usr/bin/python3 "$(dirname "$0")/deb/exec-in-unit-sandbox.py" "$unit" "$root" "${user%:*}" "${user#*:}" \
            -- $exec_start >>"$log" 2>&1 &
    else
        chroot --userspec="$user" "$root" /usr/bin/env -i PATH=/usr/bin:/bin LANG=C.UTF-8 \
            /bin/sh -c "cd /var/lib/shuniu && umask 0077 && exec $exec_start" >>"$log" 2>&1 &
    fi
    daemon=$!
    trap 'kill -KILL $daemon 2>/dev/null' EXIT
    code=000
    deadline=$((SECONDS + ready_timeout))
    while ((SECONDS < deadline)); do
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/readyz")
        [[ $code == 200 ]] && break
        kill -0 $daemon 2>/dev/null || break
        sleep 0.2
    done
    if [[ $code == 200 ]]; then pass "GET /readyz answered 200"; else fail "GET /readyz: $code within ${ready_timeout}s"; fi
    shuniu() { chroot --userspec="$user" "$root" /usr/bin/env -i PATH=/usr/bin:/bin LANG=C.UTF-8 /usr/bin/shuniu "$@"; }
    # A bare `shuniu status` finds /etc/shuniu/shuniu.yaml by itself.
    status=$(shuniu status 2>&1)
    status_code=$?
    if [[ $status_code == 0 ]] && grep -q "^hub: running, pid $daemon," <<<"$status" &&
        grep -q "^configuration: /etc/shuniu/shuniu.yaml (the installed default)" <<<"$status"; then
        pass "shuniu status reads the installed configuration and says the hub runs, with its pid"
    else
        fail "shuniu status (exit $status_code): $(head -3 <<<"$status" | tr '\n' ' ')"
    fi
    kill -TERM $daemon 2>/dev/null
    deadline=$((SECONDS + stop_timeout))
    while ((SECONDS < deadline)); do
        kill -0 $daemon 2>/dev/null || break
        sleep 0.2
    done
    if kill -0 $daemon 2>/dev/null; then
        fail "still running ${stop_timeout}s after SIGTERM"
    else
        wait $daemon
        exit_code=$?
        if [[ $exit_code == 0 ]]; then pass "SIGTERM stopped it (exit 0)"; else fail "exit $exit_code after SIGTERM"; fi
    fi
    exit $((failures > 0))
fi

# --- The test. ------------------------------------------------------------------------------
deb=${1:?usage: Ops/test-package.sh DEB [UPGRADE_DEB]}
upgrade_deb=${2:-}
[[ -f $deb ]] || { echo "test-package: no such file: $deb" >&2; exit 64; }
[[ $(id -u) == 0 ]] || { echo "test-package: must run as root (chroot, mount, unshare)" >&2; exit 1; }
deb=$(realpath "$deb")
if ! command -v debootstrap >/dev/null || ! command -v ip >/dev/null || ! command -v systemd-analyze >/dev/null ||
    ! /usr/bin/python3 -c 'import seccomp' 2>/dev/null; then
    Ops/install-deps.sh
fi

failures=0
pass() { echo "PASS $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
check() { # check DESCRIPTION COMMAND… : PASS when the command succeeds
    local description=$1; shift
    if "$@" >/dev/null 2>&1; then pass "$description"; else fail "$description"; fi
}

work=$(mktemp -d /var/tmp/shuniu-package-test.XXXXXX)
root="$work/root"
log="$work/daemon.log"
cleanup() {
    # Any process left inside the throwaway root (only this test starts them) goes first.
    for proc in /proc/[0-9]*; do
        [[ $(readlink "$proc/root" 2>/dev/null) == "$root" ]] && kill -KILL "${proc#/proc/}" 2>/dev/null
    done
    # Every mount under the work folder (our /proc; debootstrap's, should it have failed), deepest
    # first; never delete through a mount that is still there.
    mounts() { awk -v w="$work/" 'index($2, w) == 1 { print $2 }' /proc/mounts | sort -r; }
    for mount in $(mounts); do umount "$mount" 2>/dev/null || umount -l "$mount"; done
    if [[ -n $(mounts) ]]; then echo "test-package: mounts remain under $work; left in place" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }
mode_of() { in_root stat -c '%a %U:%G' "$1" 2>&1; }
expect_mode() { # expect_mode PATH "MODE USER:GROUP"
    local actual; actual=$(mode_of "$1")
    if [[ $actual == "$2" ]]; then pass "$1 is $2"; else fail "$1 is '$actual', expected $2"; fi
}
run_daemon() { # run_daemon NAME plain|sandboxed
    unshare --net -- "$repo/Ops/test-package.sh" --run-daemon "$root" "$log" "$1" "$service_user" "$2" ||
        failures=$((failures + 1))
}

# The unit's sandbox, as the package installs it.
contents="$work/contents"
dpkg-deb -x "$deb" "$contents"
score=$(systemd-analyze security --offline=true "$contents/lib/systemd/system/shuniu.service" 2>&1 |
    sed -n 's/.*Overall exposure level for shuniu.service: \([0-9.]*\).*/\1/p')
if [[ -n $score ]] && awk -v s="$score" 'BEGIN { exit !(s < 4.0) }'; then
    pass "systemd-analyze security scores the unit $score (below 4.0)"
else
    fail "systemd-analyze security scores the unit '${score:-no score}' (must be below 4.0)"
fi

# The upgrade: the same binary packaged again with a later version, unless one is given.
if [[ -z $upgrade_deb ]]; then
    upgrade_deb=$(Ops/package-deb.sh --binary "$contents/usr/bin/shuniu" --version-suffix upgrade.test \
        --output "$work/upgrade" 2>"$work/package-upgrade.log" | tail -1)
fi
rm -rf "$contents"
[[ -f $upgrade_deb ]] || { cat "$work/package-upgrade.log" 2>/dev/null; fail "no package to upgrade to"; exit 1; }
old_version=$(dpkg-deb -f "$deb" Version)
new_version=$(dpkg-deb -f "$upgrade_deb" Version)
if ! dpkg --compare-versions "$new_version" gt "$old_version"; then
    fail "the upgrade's version $new_version is not later than $old_version"
    exit 1
fi

# A pristine Debian 12, from the cache (remade monthly) or made now.
if [[ ! -f $cache || -n $(find "$cache" -mtime +30) ]]; then
    echo "making the Debian 12 root (debootstrap, once; cached in $cache)" >&2
    mkdir -p "$cache_dir"
    fresh="$work/fresh"
    debootstrap --variant=minbase bookworm "$fresh" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 ||
        { tail -20 "$work/debootstrap.log" >&2; fail "debootstrap"; exit 1; }
    tar -C "$fresh" --numeric-owner -czf "$cache.$$" . && mv "$cache.$$" "$cache"
    rm -rf "$fresh"
fi
mkdir -p "$root"
tar -C "$root" --numeric-owner -xzf "$cache" || { fail "unpacking $cache"; exit 1; }
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc" || { fail "mounting /proc in the root"; exit 1; }
cp "$deb" "$upgrade_deb" "$root/tmp/"

# Install.
in_root apt-get update -qq >"$work/apt.log" 2>&1 || { tail -20 "$work/apt.log"; fail "apt-get update"; exit 1; }
if in_root apt-get install -y -q "/tmp/$(basename "$deb")" </dev/null >>"$work/apt.log" 2>&1; then
    pass "apt-get install ./$(basename "$deb")"
else
    tail -30 "$work/apt.log"; fail "apt-get install ./$(basename "$deb")"; exit 1
fi
check "dpkg says shuniu $old_version is installed" \
    bash -c "[[ \$(chroot '$root' dpkg-query -W -f='\${Status} \${Version}' shuniu) == 'install ok installed $old_version' ]]"
check "libcurl4, libssl3 and libsqlite3-0 came from Debian" in_root dpkg-query -W libcurl4 libssl3 libsqlite3-0
passwd=$(in_root getent passwd shuniu)
if [[ $(cut -d: -f6,7 <<<"$passwd") == /var/lib/shuniu:/usr/sbin/nologin ]] && (($(cut -d: -f3 <<<"$passwd") < 1000)); then
    pass "system user shuniu (home /var/lib/shuniu, no login)"
else
    fail "user shuniu: '$passwd'"
fi
# chroot --userspec takes numbers: the host has no user shuniu.
service_user="$(cut -d: -f3 <<<"$passwd"):$(cut -d: -f4 <<<"$passwd")"
as_service() { chroot --userspec="$service_user" "$root" /usr/bin/env -i PATH=/usr/bin:/bin LANG=C.UTF-8 "$@"; }
expect_mode /usr/bin/shuniu "755 root:root"
expect_mode /etc/shuniu "750 root:shuniu"
expect_mode /etc/shuniu/shuniu.yaml "640 root:shuniu"
expect_mode /var/lib/shuniu "700 shuniu:shuniu"
expect_mode /lib/systemd/system/shuniu.service "644 root:root"
expect_mode /lib/systemd/system/shuniu@.service "644 root:root"
check "the unit is enabled (multi-user.target.wants)" test -L "$root/etc/systemd/system/multi-user.target.wants/shuniu.service"
check "/etc/shuniu/shuniu.yaml is a conffile" grep -qx /etc/shuniu/shuniu.yaml "$root/var/lib/dpkg/info/shuniu.conffiles"
check "the configuration names the packaged paths" \
    grep -q "^  dataDir: /var/lib/shuniu" "$root/etc/shuniu/shuniu.yaml"
check "the common spec is in /usr/share/shuniu/Mappings/spec" test -d "$root/usr/share/shuniu/Mappings/spec"
check "/usr/share/shuniu/Certs holds no private key" \
    bash -c "! grep -rlq 'PRIVATE KEY' '$root/usr/share/shuniu/Certs'"
check "the man page" test -s "$root/usr/share/man/man1/shuniu.1.gz"
check "bash completion" test -s "$root/usr/share/bash-completion/completions/shuniu"
check "zsh completion" test -s "$root/usr/share/zsh/vendor-completions/_shuniu"
check "fish completion" test -s "$root/usr/share/fish/vendor_completions.d/shuniu.fish"
check "the copyright file" test -s "$root/usr/share/doc/shuniu/copyright"
version_line=$(in_root /usr/bin/shuniu --version 2>&1)
if [[ $old_version == "$version_line"* || $version_line == *"${old_version%%+*}"* ]]; then
    pass "shuniu --version: $version_line"
else
    fail "shuniu --version: '$version_line' (package $old_version)"
fi

# Start as the unit would; then the operator registers a platform and edits the configuration.
run_daemon "first start" plain
# As root, as an operator with sudo would: the command acts as the store's owner.
if in_root /usr/bin/shuniu platforms add \
    --operator package-test --id "$test_platform" --name "Package test platform" \
    --certified-until 2099-12-31 --datasets 500 >"$work/platforms-add.log" 2>&1; then
    pass "shuniu platforms add (run as root) wrote the store"
else
    fail "shuniu platforms add: $(tail -3 "$work/platforms-add.log" | tr '\n' ' ')"
fi
expect_mode /var/lib/shuniu/shuniu.sqlite "600 shuniu:shuniu"
key_before=$(sha256sum "$root/var/lib/shuniu/audit.key" 2>/dev/null | cut -d' ' -f1)
[[ -n $key_before ]] && pass "the daemon made its audit key" || fail "no /var/lib/shuniu/audit.key after the first start"
sed -i 's/^  level: info /  level: notice /' "$root/etc/shuniu/shuniu.yaml"
echo "# edited by the operator" >>"$root/etc/shuniu/shuniu.yaml"

# Upgrade.
if in_root apt-get install -y -q "/tmp/$(basename "$upgrade_deb")" </dev/null >>"$work/apt.log" 2>&1; then
    pass "upgrade to $new_version"
else
    tail -30 "$work/apt.log"; fail "upgrade to $new_version"
fi
check "dpkg says shuniu $new_version is installed" \
    bash -c "[[ \$(chroot '$root' dpkg-query -W -f='\${Version}' shuniu) == '$new_version' ]]"
check "the operator's edit of /etc/shuniu/shuniu.yaml survived the upgrade" \
    bash -c "grep -q '^  level: notice ' '$root/etc/shuniu/shuniu.yaml' && grep -qx '# edited by the operator' '$root/etc/shuniu/shuniu.yaml'"
check "no .dpkg-new or .dpkg-dist beside it" bash -c "! ls '$root'/etc/shuniu/*.dpkg-* 2>/dev/null | grep -q ."
expect_mode /etc/shuniu/shuniu.yaml "640 root:shuniu"
expect_mode /var/lib/shuniu "700 shuniu:shuniu"
run_daemon "start after the upgrade, in the unit's system-call sandbox" sandboxed
platforms=$(as_service /usr/bin/shuniu platforms list 2>&1)
check "the store kept the platform registered before the upgrade" grep -q "$test_platform" <<<"$platforms"
check "the audit key is the one from before the upgrade" \
    bash -c "[[ \$(sha256sum '$root/var/lib/shuniu/audit.key' | cut -d' ' -f1) == '$key_before' ]]"
check "the audit chain verifies" as_service /usr/bin/shuniu audit verify

# Remove: the program goes, the configuration and the store stay. Purge: the configuration goes,
# the store still stays (the audit chain outlives the software).
if in_root apt-get remove -y -q shuniu </dev/null >>"$work/apt.log" 2>&1; then pass "apt-get remove shuniu"; else fail "apt-get remove shuniu"; fi
check "/usr/bin/shuniu is gone" test ! -e "$root/usr/bin/shuniu"
check "dpkg keeps its configuration files (rc)" \
    bash -c "[[ \$(chroot '$root' dpkg-query -W -f='\${db:Status-Abbrev}' shuniu) == 'rc ' ]]"
check "/etc/shuniu/shuniu.yaml kept, with the operator's edit" grep -qx '# edited by the operator' "$root/etc/shuniu/shuniu.yaml"
check "/var/lib/shuniu/shuniu.sqlite kept" test -s "$root/var/lib/shuniu/shuniu.sqlite"
if in_root apt-get purge -y -q shuniu </dev/null >>"$work/apt.log" 2>&1; then pass "apt-get purge shuniu"; else fail "apt-get purge shuniu"; fi
check "purge deleted /etc/shuniu" test ! -e "$root/etc/shuniu"
check "purge kept /var/lib/shuniu (the store and its audit chain)" test -s "$root/var/lib/shuniu/shuniu.sqlite"

if ((failures)); then
    echo "daemon log (last 30 lines):"; tail -30 "$log" 2>/dev/null
    echo "test-package: $failures failure(s)"
    exit 1
fi
echo "test-package: all checks passed"
