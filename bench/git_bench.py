#!/usr/bin/env python3
"""Helper for bench/git-bench (standard library only). Prints key=value lines on stdout.

  token                          a fresh hf_ token (34 letters/digits)
  port                           a free loopback TCP port (not 8080 or 18080-18090)
  build-repo DIR FILES COMMITS   git repo in DIR: FILES distinct ~200-byte files in folders of 100,
                                 COMMITS commits (the first adds most files, each later one adds one
                                 file and changes two); exactly FILES files at HEAD
  median V...                    median of the values
  lfs-href URL OID SIZE          the download href the LFS batch API at URL (…/info/lfs) returns
"""
import json
import os
import random
import secrets
import socket
import statistics
import string
import subprocess
import sys
import urllib.request


def token():
    alphabet = string.ascii_letters + string.digits
    print("token=hf_" + "".join(secrets.choice(alphabet) for _ in range(34)))


def port():
    for _ in range(100):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            p = s.getsockname()[1]
        if p != 8080 and not 18080 <= p <= 18090:
            print(f"port={p}")
            return
    sys.exit("no free port")


def path_of(i):
    return f"d{i // 100:03d}/f{i % 100:03d}.txt"


def content(rng, i, version):
    # ~200 bytes, distinct per file and per version
    body = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(150))
    return f"file {i} version {version}\n{body}\n" + "x" * (200 - 30 - len(str(i)) - 151) + "\n"


def build_repo(d, files, commits):
    files, commits = int(files), int(commits)
    if commits < 1 or files < commits:
        sys.exit("need 1 <= COMMITS <= FILES")
    rng = random.Random(42)
    git = lambda *a: subprocess.run(["git", "-C", d, *a], check=True, stdout=subprocess.DEVNULL)
    os.makedirs(d, exist_ok=True)
    git("init", "-q", "-b", "main")
    first = files - (commits - 1)
    version = {}

    def write(i):
        p = os.path.join(d, path_of(i))
        os.makedirs(os.path.dirname(p), exist_ok=True)
        version[i] = version.get(i, -1) + 1
        with open(p, "w") as f:
            f.write(content(rng, i, version[i]))
        return path_of(i)

    for i in range(first):
        write(i)
    git("add", "-A")
    git("commit", "-q", "-m", f"initial: {first} files")
    for k in range(1, commits):
        new = first + k - 1
        changed = [write(new)] + [write(rng.randrange(new)) for _ in range(2)]
        git("add", "--", *changed)
        git("commit", "-q", "-m", f"commit {k + 1}: add {path_of(new)}, change 2 files")
    n = int(subprocess.run(["git", "-C", d, "ls-files"], check=True, capture_output=True, text=True)
            .stdout.count("\n"))
    c = int(subprocess.run(["git", "-C", d, "rev-list", "--count", "HEAD"], check=True,
                           capture_output=True, text=True).stdout)
    print(f"files={n}")
    print(f"commits={c}")


def lfs_href(url, oid, size):
    body = json.dumps({"operation": "download", "transfers": ["basic"],
                       "objects": [{"oid": oid, "size": int(size)}]}).encode()
    req = urllib.request.Request(url.rstrip("/") + "/objects/batch", data=body, method="POST", headers={
        "Accept": "application/vnd.git-lfs+json", "Content-Type": "application/vnd.git-lfs+json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        obj = json.load(r)["objects"][0]
    if "error" in obj:
        sys.exit(f"batch error: {obj['error']}")
    print("href=" + obj["actions"]["download"]["href"])


def main():
    cmd, args = (sys.argv[1], sys.argv[2:]) if len(sys.argv) > 1 else ("", [])
    if cmd == "token":
        token()
    elif cmd == "port":
        port()
    elif cmd == "build-repo":
        build_repo(*args)
    elif cmd == "lfs-href":
        lfs_href(*args)
    elif cmd == "median":
        print(statistics.median(float(a) for a in args))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
