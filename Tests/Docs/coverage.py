#!/usr/bin/env python3
"""Fails when a public symbol of ClientCore or PhoneAuthAPI has no documentation comment.

Reads the coverage file `docc --experimental-documentation-coverage` writes and ignores what the compiler synthesises
or the standard library inherits (Equatable's !=, Codable's init(from:), actor isolation helpers, …): those have no
source a comment could go on.

    python3 Tests/Docs/coverage.py ClientCore.doccarchive/documentation-coverage.json [PhoneAuthAPI's …]
"""
import json
import sys

INHERITED = ("!=(_:_:)", "init(from:)", "encode(to:)", "hash(into:)", "hashValue", "init(rawValue:)", "rawValue",
             "localizedDescription", "withSerialExecutor(_:)", "assumeIsolated(_:file:line:)", "assertIsolated(_:file:line:)",
             "preconditionIsolated(_:file:line:)", "unownedExecutor")

entries = [entry for path in sys.argv[1:] for entry in json.load(open(path))]
missing = sorted(
    entry["referencePath"].split("/documentation/", 1)[-1]
    for entry in entries
    if entry["kind"].get("isSymbol", True) and not entry["hasAbstract"] and not entry["title"].endswith("Implementations")
    and entry["title"] not in INHERITED)
for path in missing:
    print(f"undocumented public symbol: {path}")
symbols = sum(1 for entry in entries if entry["kind"].get("isSymbol", True))
print(f"{symbols - len(missing)} of {symbols} public symbols documented")
sys.exit(1 if missing else 0)
