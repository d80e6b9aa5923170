#!/usr/bin/python3
"""Runs a command under the system-call part of a systemd unit's sandbox, where systemd cannot.

    exec-in-unit-sandbox.py UNIT ROOT UID GID -- COMMAND...

Reads the unit's SystemCallFilter= lines (allow-list, then `~` deny-lists), expands the groups
with `systemd-analyze syscall-filter`, SystemCallErrorNumber= and MemoryDenyWriteExecute=; then
chroots to ROOT, becomes UID:GID with the unit's UMask and WorkingDirectory, installs the filter
(as seccomp, like systemd does) and execs COMMAND. The package's install test starts the daemon
this way so that a filter or W^X rule the daemon trips on fails the test, not the first boot.
Needs Debian's python3-seccomp (hence /usr/bin/python3).
"""
import errno
import os
import subprocess
import sys

import seccomp


def unit_settings(path):
    settings = {}
    with open(path, encoding="utf-8") as unit:
        for line in unit:
            line = line.strip()
            if line and not line.startswith(("#", ";", "[")) and "=" in line:
                key, value = line.split("=", 1)
                settings.setdefault(key.strip(), []).append(value.strip())
    return settings


def expand(names, seen=None):
    """System calls named by a filter line: groups (@…) expanded recursively."""
    seen = set() if seen is None else seen
    calls = set()
    for name in names:
        if not name.startswith("@"):
            calls.add(name)
            continue
        if name in seen:
            continue
        seen.add(name)
        listing = subprocess.run(["systemd-analyze", "syscall-filter", name],
                                 check=True, capture_output=True, text=True).stdout
        members = [line.strip() for line in listing.splitlines()[1:]
                   if line.strip() and not line.strip().startswith("#")]
        calls |= expand(members, seen)
    return calls


def build_filter(settings):
    error_name = (settings.get("SystemCallErrorNumber") or ["EPERM"])[-1]
    refuse = seccomp.ERRNO(getattr(errno, error_name))
    allowed, denied = set(), set()
    for line in settings.get("SystemCallFilter", []):
        if line.startswith("~"):
            denied |= expand(line[1:].split())
        else:
            allowed |= expand(line.split())
    calls = allowed - denied if allowed else set()
    # As systemd's MemoryDenyWriteExecute=: no mapping both writable and executable, no making
    # memory executable later. Refusal is the default action, so these calls are allowed only
    # when their protection flags are harmless.
    write_deny_exec = (settings.get("MemoryDenyWriteExecute") or ["no"])[-1] in ("yes", "true", "1")
    conditional = {}
    if write_deny_exec:
        prot_write, prot_exec, shm_exec = 0x2, 0x4, 0o100000
        conditional = {
            "mmap": [seccomp.Arg(2, seccomp.MASKED_EQ, prot_write, 0), seccomp.Arg(2, seccomp.MASKED_EQ, prot_exec, 0)],
            "mprotect": [seccomp.Arg(2, seccomp.MASKED_EQ, prot_exec, 0)],
            "pkey_mprotect": [seccomp.Arg(2, seccomp.MASKED_EQ, prot_exec, 0)],
            "shmat": [seccomp.Arg(2, seccomp.MASKED_EQ, shm_exec, 0)],
        }
    rules = seccomp.SyscallFilter(defaction=refuse if allowed else seccomp.ALLOW)
    known = 0
    for call in sorted(calls):
        try:
            if call in conditional:
                for condition in conditional[call]:
                    rules.add_rule(seccomp.ALLOW, call, condition)
            else:
                rules.add_rule(seccomp.ALLOW, call)
            known += 1
        except (RuntimeError, ValueError, OSError):
            pass  # a name this architecture does not have (e.g. the 32-bit variants)
    if not allowed:
        for call in sorted(denied):
            try:
                rules.add_rule(refuse, call)
            except (RuntimeError, ValueError, OSError):
                pass
    return rules, known


def main():
    if len(sys.argv) < 7 or sys.argv[5] != "--":
        sys.exit("usage: exec-in-unit-sandbox.py UNIT ROOT UID GID -- COMMAND...")
    unit, root, uid, gid = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    command = sys.argv[6:]
    settings = unit_settings(unit)
    rules, known = build_filter(settings)
    print("exec-in-unit-sandbox: %d system calls allowed, MemoryDenyWriteExecute=%s"
          % (known, (settings.get("MemoryDenyWriteExecute") or ["no"])[-1]), file=sys.stderr)

    os.chroot(root)
    os.chdir((settings.get("WorkingDirectory") or ["/"])[-1])
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)
    os.umask(int((settings.get("UMask") or ["0022"])[-1], 8))
    rules.load()  # sets no_new_privs too, as NoNewPrivileges=yes
    os.execve(command[0], command, {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})


if __name__ == "__main__":
    main()
