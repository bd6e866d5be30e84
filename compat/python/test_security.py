"""Scan verdicts through huggingface_hub: per-file `security` in tree listings and the repo-level status."""

from __future__ import annotations

import pickle
import time

# trust.md TV1: protocol 2, GLOBAL os.system, BINUNICODE 'id', TUPLE1, REDUCE, STOP (never unpickled here)
EVIL = bytes.fromhex("8002636f730a73797374656d0a5802000000696485522e")


def wait_for(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def test_tree_and_model_info_carry_scan_verdicts(api, model_repo):
    api.upload_file(path_or_fileobj=EVIL, path_in_repo="evil.pkl", repo_id=model_repo)
    api.upload_file(path_or_fileobj=pickle.dumps({"weights": [1.0, 2.0]}, protocol=4), path_in_repo="fine.pkl",
                    repo_id=model_repo)

    def scanned():
        files = {f.path: f for f in api.list_repo_tree(model_repo, expand=True) if hasattr(f, "security")}
        done = all(f.security is not None and f.security["status"] != "queued" for f in files.values())
        return done and files

    files = wait_for(scanned)
    assert files, "the files were never scanned"
    assert files["evil.pkl"].security["status"] == "unsafe"
    assert files["evil.pkl"].security["safe"] is False
    imports = files["evil.pkl"].security["pickle_import_scan"]["pickleImports"]
    assert {"module": "os", "name": "system", "safety": "dangerous"} in imports
    assert files["fine.pkl"].security["status"] == "safe"

    status = api.model_info(model_repo, securityStatus=True).security_repo_status
    assert status["scansDone"] is True
    assert {"path": "evil.pkl", "level": "unsafe"} in status["filesWithIssues"]
