#!/usr/bin/env python3
"""Every flag the deployment files pass exists in the binary's --help.

Reads docker/compose.yaml and deploy/kubernetes/*.yaml; each --flag belongs
to the nearest dnc binary named before it (dnc-server, dnc-load,
dnc-tenant). Runs each binary's --help and fails naming the file, the
binary and the flag that it does not list.
Usage: manifest_flags_test.py REPO_ROOT BIN_DIR
"""
import glob
import os
import re
import subprocess
import sys

root, bin_dir = sys.argv[1], sys.argv[2]
files = [os.path.join(root, "docker", "compose.yaml")] + sorted(
    glob.glob(os.path.join(root, "deploy", "kubernetes", "*.yaml")))
token = re.compile(r"\b(dnc-server|dnc-load|dnc-tenant)\b|(?<![\w-])--([a-z][a-z0-9_]*)")
helps = {}
failures = []
checked = 0
for path in files:
    binary = None
    for line in open(path, encoding="utf-8"):
        code = line.split("#", 1)[0]
        for match in token.finditer(code):
            if match.group(1):
                binary = match.group(1)
                continue
            flag = match.group(2)
            if binary is None:
                failures.append(f"{path}: --{flag} before any dnc binary")
                continue
            if binary not in helps:
                run = subprocess.run([os.path.join(bin_dir, binary), "--help"],
                                     capture_output=True, text=True)
                helps[binary] = run.stdout + run.stderr
            checked += 1
            if not re.search(r"(?<![\w-])--" + flag + r"\b", helps[binary]):
                failures.append(f"{os.path.relpath(path, root)}: {binary} has no --{flag}")
for failure in failures:
    print(failure)
print(f"{checked} flags checked in {len(files)} files")
sys.exit(1 if failures or checked == 0 else 0)
