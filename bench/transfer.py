#!/usr/bin/env python3
"""Helper for bench/run: HTTP transfers, hashing and log parsing (standard library only).

Subcommands (all print machine-readable `key=value` lines on stdout, diagnostics on stderr):
  token                                   a fresh hf_ token (34 alphanumerics)
  port                                    a free loopback TCP port
  sha FILE                                SHA-256 of FILE + elapsed seconds (hashlib -> OpenSSL, SHA-NI)
  wait URL [--token T] [--t0-ns N] [--timeout S]
                                          poll URL until it answers 200; prints elapsed since t0
  upload BASE TOKEN FILE OID SIZE         create repo admin/bench, preupload, LFS batch, timed PUT, commit
  fetch-sha URL                           stream a download, print its SHA-256 and size
  commit-small BASE TOKEN COUNT BYTES     one NDJSON commit of COUNT regular files, timed
  heap GCLOG [JSTATLOG]                   peak heap usage in MiB from a -Xlog:gc log and jstat -gc samples
  summary RESULTS                         print the final summary block from key=value results
"""
import base64
import hashlib
import http.client
import json
import os
import random
import re
import secrets
import socket
import statistics
import string
import sys
import time
import urllib.parse

CHUNK = 8 << 20


def out(**kv):
    for k, v in kv.items():
        print(f"{k}={v}")
    sys.stdout.flush()


def die(msg):
    print(f"transfer.py: {msg}", file=sys.stderr)
    sys.exit(1)


def conn_for(url, timeout=600):
    u = urllib.parse.urlsplit(url)
    c = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=timeout, blocksize=1 << 20)
    path = u.path + (("?" + u.query) if u.query else "")
    return c, path


def request(url, method="GET", body=None, headers=None, token=None, expect=(200,)):
    c, path = conn_for(url)
    h = dict(headers or {})
    if token:
        h["Authorization"] = f"Bearer {token}"
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
        h.setdefault("Content-Type", "application/json")
    c.request(method, path, body=body, headers=h)
    r = c.getresponse()
    data = r.read()
    c.close()
    if expect and r.status not in expect:
        die(f"{method} {url} -> HTTP {r.status}: {data[:500]!r}")
    return r.status, dict(r.getheaders()), data


# ---------------------------------------------------------------- subcommands

def cmd_token():
    alnum = string.ascii_letters + string.digits
    print("hf_" + "".join(secrets.choice(alnum) for _ in range(34)))


def cmd_port():
    avoid = {8080, 18080, 18081, 18082}
    while True:
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        p = s.getsockname()[1]
        s.close()
        if p not in avoid:
            print(p)
            return


def cmd_sha(path):
    h = hashlib.sha256()
    buf = bytearray(CHUNK)
    mv = memoryview(buf)
    n = 0
    t = time.perf_counter()
    with open(path, "rb", buffering=0) as f:
        while True:
            k = f.readinto(buf)
            if not k:
                break
            h.update(mv[:k])
            n += k
    dt = time.perf_counter() - t
    out(oid=h.hexdigest(), bytes=n, seconds=f"{dt:.4f}", openssl=__import__("ssl").OPENSSL_VERSION.replace(" ", "_"))


def cmd_wait(url, token=None, t0_ns=None, timeout=60.0):
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        try:
            c, path = conn_for(url, timeout=2)
            h = {"Authorization": f"Bearer {token}"} if token else {}
            c.request("GET", path, headers=h)
            r = c.getresponse()
            r.read()
            c.close()
            if r.status == 200:
                now = time.time_ns()
                out(status=200, elapsed=f"{(now - int(t0_ns)) / 1e9:.3f}" if t0_ns else "")
                return
            last = f"HTTP {r.status}"
        except OSError as e:
            last = repr(e)
        time.sleep(0.01)
    die(f"{url} not ready after {timeout}s ({last})")


def cmd_upload(base, token, path, oid, size):
    size = int(size)
    # 1. create the repo (409 = already exists is fine for re-use of a data dir)
    st, _, _ = request(f"{base}/api/repos/create", "POST", {"name": "bench", "organization": "admin"},
                       token=token, expect=(200, 409))
    # 2. preupload (informative)
    with open(path, "rb") as f:
        sample = base64.b64encode(f.read(512)).decode()
    _, _, body = request(f"{base}/api/models/admin/bench/preupload/main", "POST",
                         {"files": [{"path": "big.bin", "size": size, "sample": sample}]}, token=token)
    mode = json.loads(body)["files"][0].get("uploadMode")
    # 3. LFS batch
    lfs = {"Accept": "application/vnd.git-lfs+json", "Content-Type": "application/vnd.git-lfs+json"}
    batch = {"operation": "upload", "transfers": ["basic"], "hash_algo": "sha256", "ref": {"name": "main"},
             "objects": [{"oid": oid, "size": size}]}
    _, _, body = request(f"{base}/admin/bench.git/info/lfs/objects/batch", "POST", json.dumps(batch).encode(),
                         headers=lfs, token=token)
    obj = json.loads(body)["objects"][0]
    if "error" in obj:
        die(f"LFS batch error: {obj['error']}")
    upload = (obj.get("actions") or {}).get("upload")
    if not upload:
        die("LFS batch returned no upload action (object already stored?) - use a fresh data dir")
    href = upload["href"]
    # 4. timed PUT: headers, then the bytes via sendfile(2), then wait for the response
    c, p = conn_for(href, timeout=3600)
    with open(path, "rb") as f:
        t = time.perf_counter()
        c.putrequest("PUT", p, skip_accept_encoding=True)
        c.putheader("Content-Type", "application/octet-stream")
        c.putheader("Content-Length", str(size))
        c.endheaders()
        sent = c.sock.sendfile(f)
        r = c.getresponse()
        rbody = r.read()
        dt = time.perf_counter() - t
    c.close()
    if r.status not in (200, 201) or sent != size:
        die(f"PUT {href} -> HTTP {r.status} (sent {sent}/{size}): {rbody[:300]!r}")
    # 5. commit
    nd = (json.dumps({"key": "header", "value": {"summary": "bench"}}) + "\n" +
          json.dumps({"key": "lfsFile", "value": {"path": "big.bin", "algo": "sha256", "oid": oid, "size": size}})
          + "\n").encode()
    _, _, body = request(f"{base}/api/models/admin/bench/commit/main", "POST", nd,
                         headers={"Content-Type": "application/x-ndjson"}, token=token)
    commit = json.loads(body)
    if not commit.get("commitOid"):
        die(f"commit failed: {body[:300]!r}")
    out(create_status=st, preupload_mode=mode, put_status=r.status, put_seconds=f"{dt:.4f}", commit=commit["commitOid"])


def cmd_fetch_sha(url):
    c, p = conn_for(url, timeout=3600)
    c.request("GET", p)
    r = c.getresponse()
    if r.status != 200:
        die(f"GET {url} -> HTTP {r.status}")
    h = hashlib.sha256()
    n = 0
    while True:
        b = r.read(CHUNK)
        if not b:
            break
        h.update(b)
        n += len(b)
    c.close()
    out(sha=h.hexdigest(), bytes=n, content_length=r.getheader("Content-Length"),
        x_linked_etag=(r.getheader("X-Linked-Etag") or "").strip('"'))


def cmd_commit_small(base, token, count, nbytes):
    count, nbytes = int(count), int(nbytes)
    rnd = random.Random(12345)
    lines = [json.dumps({"key": "header", "value": {"summary": f"{count} small files", "description": ""}})]
    probe = None
    alphabet = string.ascii_letters + string.digits + " \n"
    for i in range(count):
        content = (f"file {i}\n" + "".join(rnd.choice(alphabet) for _ in range(nbytes))).encode()[:nbytes]
        p = f"small/{i // 100:02d}/f{i:05d}.txt"
        if probe is None:
            probe = (p, content)
        lines.append(json.dumps({"key": "file", "value": {"path": p, "content": base64.b64encode(content).decode(),
                                                          "encoding": "base64"}}))
    body = ("\n".join(lines) + "\n").encode()
    c, path = conn_for(f"{base}/api/models/admin/bench/commit/main", timeout=600)
    t = time.perf_counter()
    c.request("POST", path, body=body, headers={"Content-Type": "application/x-ndjson",
                                                 "Authorization": f"Bearer {token}"})
    r = c.getresponse()
    data = r.read()
    dt = time.perf_counter() - t
    c.close()
    if r.status != 200:
        die(f"small-file commit -> HTTP {r.status}: {data[:300]!r}")
    oid = json.loads(data).get("commitOid")
    # spot check: one file reads back byte-identical
    _, _, got = request(f"{base}/admin/bench/resolve/main/{probe[0]}", token=token)
    out(seconds=f"{dt:.4f}", commit=oid, body_bytes=len(body), readback_ok=str(got == probe[1]).lower())


UNIT = {"B": 1 / (1 << 20), "K": 1 / 1024, "M": 1, "G": 1024}


def cmd_heap(gclog, jstatlog=None):
    peak_gc, gcs, cap, full = 0.0, 0, 0.0, 0
    rx = re.compile(r"(Pause [^\n]*?|GC\(\d+\)[^\n]*?)\s(\d+(?:\.\d+)?)([BKMG])->(\d+(?:\.\d+)?)([BKMG])\((\d+(?:\.\d+)?)([BKMG])\)")
    try:
        for line in open(gclog, errors="replace"):
            m = rx.search(line)
            if not m:
                continue
            gcs += 1
            before = float(m.group(2)) * UNIT[m.group(3)]
            after = float(m.group(4)) * UNIT[m.group(5)]
            peak_gc = max(peak_gc, before, after)
            cap = max(cap, float(m.group(6)) * UNIT[m.group(7)])
            if "Pause Full" in line:
                full += 1
    except FileNotFoundError:
        pass
    peak_js, samples = 0.0, 0
    if jstatlog and os.path.exists(jstatlog):
        hdr = None
        for line in open(jstatlog, errors="replace"):
            f = line.split()
            if not f:
                continue
            if f[0] == "S0C":
                hdr = f
                continue
            if not hdr or len(f) != len(hdr):
                continue
            try:
                d = dict(zip(hdr, map(float, [x.replace("-", "0") for x in f])))
            except ValueError:
                continue
            used = (d.get("S0U", 0) + d.get("S1U", 0) + d.get("EU", 0) + d.get("OU", 0)) / 1024
            peak_js = max(peak_js, used)
            samples += 1
    out(gc_events=gcs, full_gcs=full, gc_peak_mib=f"{peak_gc:.1f}", gc_capacity_mib=f"{cap:.0f}",
        jstat_samples=samples, jstat_peak_mib=f"{peak_js:.1f}", peak_mib=f"{max(peak_gc, peak_js):.1f}")


def cmd_summary(results):
    r = {}
    for line in open(results):
        if "=" in line:
            k, v = line.rstrip("\n").split("=", 1)
            r[k] = v

    def f(k):
        try:
            return float(r[k])
        except (KeyError, ValueError):
            return None

    def verdict(ok):
        return "n/a " if ok is None else ("PASS" if ok else "MISS")

    rows = []
    sha, disk = f("sha_mbps"), f("disk_mbps")
    floor = min(sha, disk) if sha and disk else None
    up = f("upload_mbps")
    rows.append(("SHA-256 (hashlib/OpenSSL)", f"{sha:,.0f} MB/s" if sha else "-", "", None))
    d1, d2 = f("disk1_mbps"), f("disk2_mbps")
    rows.append(("disk write + fdatasync (mean)", (f"{disk:,.0f} MB/s  (before {d1:,.0f} / after {d2:,.0f})"
                                                    if d1 and d2 else "-"), "", None))
    rows.append(("floor = min(sha, disk)", f"{floor:,.0f} MB/s" if floor else "-", "", None))
    ur = up / floor if up and floor else None
    rows.append(("upload (LFS PUT)", f"{up:,.0f} MB/s  ({ur:.2f}x floor)" if ur else "-", ">= 0.80x floor",
                 None if ur is None else ur >= 0.8))
    ad, nd = f("arbor_dl_mbps"), f("nginx_dl_mbps")
    rows.append(("download Arbor (median of 3)", f"{ad:,.0f} MB/s" if ad else "-", "", None))
    if nd:
        dr = ad / nd if ad else None
        rows.append(("download nginx (median of 3)", f"{nd:,.0f} MB/s", "", None))
        rows.append(("download Arbor / nginx", f"{dr:.2f}x" if dr else "-", ">= 0.90x", None if dr is None else dr >= 0.9))
    else:
        rows.append(("download Arbor / nginx", "skipped (no nginx)", ">= 0.90x", None))
    ok = r.get("download_sha_ok")
    rows.append(("download bytes == oid", ok or "-", "true", None if ok is None else ok == "true"))
    hp = f("heap_peak_mib")
    rows.append(("peak heap used", f"{hp:.0f} MiB" if hp is not None else "-", "< 256 MiB",
                 None if hp is None else hp < 256))
    cs = f("commit_small_s")
    rows.append((f"commit {r.get('small_count', '1000')} small files", f"{cs:.3f} s" if cs is not None else "-", "< 3 s",
                 None if cs is None else cs < 3))
    st = f("startup_s")
    rows.append(("restart -> first 200 /api/models", f"{st:.3f} s" if st is not None else "-", "< 3 s",
                 None if st is None else st < 3))
    if r.get("load"):
        rows.append(("load avg (1 min) start / end", r["load"] + f"  on {os.cpu_count()} CPUs", "", None))
    w = max(len(a) for a, *_ in rows)
    print("=" * 78)
    print(f"ARBOR BENCH SUMMARY   file {int(f('size') or 0):,} bytes   (MB = 10^6 bytes)")
    print("-" * 78)
    for name, val, goal, ok in rows:
        tag = "" if not goal else verdict(ok)
        print(f"{name:<{w}}  {val:<38} {goal:<15} {tag}".rstrip())
    print("=" * 78)


def main():
    a = sys.argv[1:]
    if not a:
        die(__doc__)
    cmd, args = a[0], a[1:]
    if cmd == "token":
        cmd_token()
    elif cmd == "port":
        cmd_port()
    elif cmd == "sha":
        cmd_sha(*args)
    elif cmd == "wait":
        url, kw = args[0], {}
        it = iter(args[1:])
        for k in it:
            v = next(it)
            if k == "--token":
                kw["token"] = v
            elif k == "--t0-ns":
                kw["t0_ns"] = v
            elif k == "--timeout":
                kw["timeout"] = float(v)
        cmd_wait(url, **kw)
    elif cmd == "upload":
        cmd_upload(*args)
    elif cmd == "fetch-sha":
        cmd_fetch_sha(*args)
    elif cmd == "commit-small":
        cmd_commit_small(*args)
    elif cmd == "heap":
        cmd_heap(*args)
    elif cmd == "summary":
        cmd_summary(*args)
    else:
        die(f"unknown subcommand {cmd}")


if __name__ == "__main__":
    main()
