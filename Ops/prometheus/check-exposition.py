#!/usr/bin/env python3
"""Checks a Prometheus text exposition (a file, or - for standard input) with the reference
parser from prometheus-client: it must parse, and every family must have # HELP and # TYPE.
Prints one line per problem and exits 1 when there is any; prints the families and exits 0
otherwise. Exits 3 when prometheus-client is not installed (Ops/install-deps.sh installs it)."""
import sys

try:
    from prometheus_client.parser import text_string_to_metric_families
except ImportError:
    print("prometheus-client is not installed: run Ops/install-deps.sh", file=sys.stderr)
    sys.exit(3)


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "-"
    text = sys.stdin.read() if path == "-" else open(path, encoding="utf-8").read()
    problems = []
    try:
        families = list(text_string_to_metric_families(text))
    except Exception as error:  # the parser raises ValueError and friends on bad lines
        print(f"not a valid exposition: {error}")
        return 1
    for family in families:
        if not family.documentation:
            problems.append(f"{family.name}: no # HELP")
        if family.type == "unknown":
            problems.append(f"{family.name}: no # TYPE")
    for problem in problems:
        print(problem)
    if problems:
        return 1
    for family in families:
        print(f"{family.name} {family.type} {len(family.samples)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
