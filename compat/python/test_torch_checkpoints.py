"""Real torch.save checkpoints through the hub: benign ones are judged safe and their tensors read from
data.pkl; a poisoned one (a __reduce__ that would call os.system) is judged unsafe. Nothing is ever loaded."""

from __future__ import annotations

import io
import os
import time

import httpx
import torch


class Poison:
    """Pickles to a call of os.system; pickling it runs nothing, loading it would."""

    def __reduce__(self):
        return (os.system, ("echo owned",))


def saved(obj, **kwargs) -> bytes:
    buffer = io.BytesIO()
    torch.save(obj, buffer, **kwargs)
    return buffer.getvalue()


def statuses(api, repo_id, paths, timeout=60.0):
    deadline = time.monotonic() + timeout
    while True:
        files = {f.path: f for f in api.list_repo_tree(repo_id, expand=True) if f.path in paths}
        status = {p: (f.security or {}).get("status") for p, f in files.items()}
        if len(status) == len(paths) and all(s not in (None, "queued") for s in status.values()):
            return status, files
        if time.monotonic() > deadline:
            return status, files
        time.sleep(0.25)


def test_real_torch_checkpoints_are_judged_by_content(api, hub, model_repo):
    state = {"layer.weight": torch.zeros(4, 3, dtype=torch.float16), "layer.bias": torch.ones(4)}
    api.upload_file(path_or_fileobj=saved(state), path_in_repo="pytorch_model.bin", repo_id=model_repo)
    api.upload_file(path_or_fileobj=saved(state, _use_new_zipfile_serialization=False), path_in_repo="legacy.pt",
                    repo_id=model_repo)
    api.upload_file(path_or_fileobj=saved({"weights": torch.zeros(2), "hook": Poison()}), path_in_repo="poisoned.pt",
                    repo_id=model_repo)

    status, files = statuses(api, model_repo, {"pytorch_model.bin", "legacy.pt", "poisoned.pt"})
    assert status == {"pytorch_model.bin": "safe", "legacy.pt": "safe", "poisoned.pt": "unsafe"}
    imports = files["poisoned.pt"].security["pickle_import_scan"]["pickleImports"]
    assert any(i["name"] == "system" and i["safety"] == "dangerous" for i in imports)

    # the tensor table of the zip checkpoint, read from data.pkl without loading it
    r = httpx.get(f"{hub.endpoint}/api/models/{model_repo}/weights/main/pytorch_model.bin",
                  headers={"Authorization": f"Bearer {hub.token}"})
    assert r.status_code == 200, r.text
    tensors = {t["name"]: (t["dtype"], t["shape"]) for t in r.json()["tensors"]}
    assert tensors == {"layer.weight": ("F16", [4, 3]), "layer.bias": ("F32", [4])}
    assert r.json()["parameters"] == 16
