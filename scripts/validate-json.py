#!/usr/bin/python3
"""Validate JSON documents against a runtime-spec schema, offline.

usage: validate-json.py SCHEMA_DIR SCHEMA [FILE ...]   (no FILE: standard input)

$refs between the spec's schema files resolve inside SCHEMA_DIR; nothing is
fetched. Prints one line per error and exits 1 if any document is invalid.
"""
import json
import os
import sys

import jsonschema


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    schema_dir, schema_name, files = argv[1], argv[2], argv[3:] or ["-"]
    store = {}
    for name in os.listdir(schema_dir):
        if name.endswith(".json"):
            with open(os.path.join(schema_dir, name)) as f:
                doc = json.load(f)
            store[name] = doc
            store["file://" + os.path.abspath(os.path.join(schema_dir, name))] = doc
    schema = store[schema_name]
    base = "file://" + os.path.abspath(os.path.join(schema_dir, schema_name))
    resolver = jsonschema.RefResolver(base, schema, store=store)
    validator = jsonschema.Draft4Validator(schema, resolver=resolver)
    bad = 0
    for path in files:
        try:
            doc = json.load(sys.stdin if path == "-" else open(path))
        except ValueError as e:
            print(f"{path}: not JSON: {e}")
            bad += 1
            continue
        for err in sorted(validator.iter_errors(doc), key=lambda e: list(e.path)):
            where = ".".join(str(p) for p in err.path) or "(top)"
            print(f"{path}: {where}: {err.message}")
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
