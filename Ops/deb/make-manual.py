#!/usr/bin/env python3
"""Writes the manual page shuniu.1 from the CLI's own help.

    make-manual.py SHUNIU VERSION OUTPUT_FOLDER

The CLI describes every command, argument and option as JSON (`shuniu --experimental-dump-help`,
swift-argument-parser's format, which its generate-manual tool reads too); this turns that into
one man(7) page, so the manual cannot disagree with `shuniu help`. The date is the commit's, not
today's, so that two packages of one commit hold the same page.
"""
import json
import os
import subprocess
import sys


def escape(text):
    """Roff-safe text: backslashes doubled, hyphens literal, no line starting as a request."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    lines = []
    for line in text.split("\n"):
        if line.startswith((".", "'")):
            line = "\\&" + line
        lines.append(line)
    return "\n".join(lines)


def paragraphs(text):
    """Blank-line separated paragraphs; lines inside one kept as they were written."""
    out = []
    for block in text.strip().split("\n\n"):
        if block.strip():
            out.append(".PP\n.nf\n" + escape(block.rstrip()) + "\n.fi" if "\n" in block.strip()
                       else ".PP\n" + escape(block.strip()))
    return "\n".join(out)


def flag_names(argument):
    names = []
    for name in argument.get("names", []):
        prefix = "--" if name["kind"] == "long" else "-"
        names.append(prefix + name["name"])
    return names


def synopsis(path, command):
    parts = []
    for argument in command.get("arguments", []):
        if not argument.get("shouldDisplay", True):
            continue
        if argument["kind"] == "positional":
            part = "<" + argument.get("valueName", "value") + ">"
        else:
            part = (flag_names(argument) or ["--" + argument.get("valueName", "")])[-1]
            if argument["kind"] == "option":
                part += " <" + argument.get("valueName", "value") + ">"
        if argument.get("isRepeating"):
            part += " ..."
        if argument.get("isOptional"):
            part = "[" + part + "]"
        parts.append(part)
    if command.get("subcommands"):
        parts.append("<subcommand>")
    return ".B " + escape(path) + "\n" + escape(" ".join(parts))


def describe_arguments(command):
    out = []
    for argument in command.get("arguments", []):
        if not argument.get("shouldDisplay", True):
            continue
        if argument["kind"] == "positional":
            label = "\\fI" + escape(argument.get("valueName", "value")) + "\\fR"
        else:
            label = ", ".join("\\fB" + escape(name) + "\\fR" for name in flag_names(argument))
            if argument["kind"] == "option":
                label += " \\fI" + escape(argument.get("valueName", "value")) + "\\fR"
        text = argument.get("abstract", "")
        if argument.get("defaultValue") not in (None, ""):
            text += " (default: " + argument["defaultValue"] + ")"
        if argument.get("discussion"):
            discussion = argument["discussion"]
            if isinstance(discussion, dict):
                discussion = discussion.get("staticText") or ""
            text += "\n" + discussion
        out.append(".TP\n" + label + "\n" + escape(text.strip()))
    return "\n".join(out)


def command_section(path, command, depth):
    out = []
    heading = ".SS" if depth > 0 else ".SH"
    if depth > 0:
        out.append(heading + " " + escape(path))
        if command.get("abstract"):
            out.append(escape(command["abstract"]))
        out.append(".PP\n" + synopsis(path, command))
        if command.get("discussion"):
            out.append(paragraphs(command["discussion"]))
        arguments = describe_arguments(command)
        if arguments:
            out.append(arguments)
    for sub in command.get("subcommands", []):
        if sub.get("shouldDisplay", True) and sub["commandName"] != "help":
            out.append(command_section(path + " " + sub["commandName"], sub, depth + 1))
    return "\n".join(out)


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: make-manual.py SHUNIU VERSION OUTPUT_FOLDER")
    binary, version, folder = sys.argv[1:]
    dump = subprocess.run([binary, "--experimental-dump-help"], check=True, capture_output=True, text=True)
    root = json.loads(dump.stdout)["command"]
    name = root["commandName"]
    date = subprocess.run(["git", "log", "-1", "--format=%cs"], capture_output=True, text=True).stdout.strip()

    page = [
        '.TH "%s" 1 "%s" "%s %s" "User Commands"' % (name.upper(), date, name, version),
        ".SH NAME",
        escape(name) + " \\- " + escape(root.get("abstract", "")),
        ".SH SYNOPSIS",
        synopsis(name, root),
        ".SH DESCRIPTION",
        paragraphs(root.get("discussion", "")) or escape(root.get("abstract", "")),
        ".SH OPTIONS",
        describe_arguments(root),
        ".SH COMMANDS",
        "Each command's own options; \\fB" + escape(name) + " help\\fR \\fIcommand\\fR shows the same.",
        command_section(name, root, 0),
        ".SH FILES",
        ".TP\n/etc/shuniu/shuniu.yaml\nThe configuration (every key with its default).",
        ".TP\n/var/lib/shuniu\nThe store: records, queues, the audit chain and its key (0700, user shuniu).",
        ".TP\n/usr/share/shuniu/Mappings, /usr/share/shuniu/Certs\nThe common spec, the platforms' mapping files and the CA trust list.",
        ".TP\n/lib/systemd/system/shuniu.service\nThe service: \\fBsystemctl reload shuniu\\fR re-reads the mapping files.",
        ".SH SEE ALSO",
        "\\fBsystemctl\\fR(1), \\fBjournalctl\\fR(1)",
    ]
    text = "\n".join(part for part in page if part) + "\n"
    with open(os.path.join(folder, name + ".1"), "w", encoding="utf-8") as out:
        out.write(text)


if __name__ == "__main__":
    main()
