"""Uploads and downloads through Xet with the real hf_xet, and what clients without Xet see of the same files."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import httpx

from huggingface_hub import HfApi, constants, file_download, get_hf_file_metadata, hf_hub_download, hf_hub_url
from huggingface_hub.utils._runtime import is_xet_available

ENDPOINT = os.environ["HF_ENDPOINT"]
USER = os.environ["ARBOR_USER"]
TOKEN = os.environ["ARBOR_TOKEN"]
BLOBS = Path(os.environ["ARBOR_BLOBS"])   # the hub's blob store, to see what is stored whole
MIB = 1024 * 1024


def test_a_model_and_its_second_revision_go_up_through_xet(tmp_path, monkeypatch):
    assert is_xet_available(), "hf_xet must be installed: this suite is about its upload path"
    assert not constants.HF_HUB_DISABLE_XET
    api = HfApi(endpoint=ENDPOINT, token=TOKEN)
    repo = f"{USER}/xet-model"
    api.create_repo(repo, exist_ok=True)

    first = bytearray(os.urandom(8 * MIB + 123))
    (tmp_path / "v1.safetensors").write_bytes(first)
    c1 = api.upload_file(path_or_fileobj=str(tmp_path / "v1.safetensors"), path_in_repo="model.safetensors", repo_id=repo)

    second = bytearray(first)
    at = len(second) // 2
    second[at : at + len(second) // 10] = os.urandom(len(second) // 10)   # 10% of the bytes change
    (tmp_path / "v2.safetensors").write_bytes(second)
    c2 = api.upload_file(path_or_fileobj=str(tmp_path / "v2.safetensors"), path_in_repo="model.safetensors", repo_id=repo)

    # Neither revision is stored whole: a plain GET (clients without Xet) is decoded from the xorbs.
    for commit, content in ((c1, first), (c2, second)):
        sha = hashlib.sha256(content).hexdigest()
        assert not (BLOBS / "sha256" / sha[:2] / sha[2:4] / sha).exists(), "stored once, as chunks"
        plain = httpx.get(hf_hub_url(repo, "model.safetensors", revision=commit.oid, endpoint=ENDPOINT),
                          headers={"Authorization": f"Bearer {TOKEN}"})
        assert plain.status_code == 200 and plain.content == bytes(content)

    # hf_hub_download must take the Xet path (reconstruction, signed xorb ranges): the plain one fails here.
    def no_plain_download(*args, **kwargs):
        raise AssertionError("hf_hub_download took the plain HTTP path")
    monkeypatch.setattr(file_download, "http_get", no_plain_download)
    for commit, content in ((c1, first), (c2, second)):
        url = hf_hub_url(repo, "model.safetensors", revision=commit.oid, endpoint=ENDPOINT)
        meta = get_hf_file_metadata(url, token=TOKEN)
        assert meta.xet_file_data is not None, "resolve must advertise the Xet hash, so hf_xet downloads"
        assert meta.xet_file_data.refresh_route.startswith(f"{ENDPOINT}/api/models/{repo}/xet-read-token/")
        assert meta.size == len(content)
        path = hf_hub_download(repo, "model.safetensors", revision=commit.oid, endpoint=ENDPOINT, token=TOKEN,
                               cache_dir=tmp_path / "cache")
        with open(path, "rb") as f:
            assert f.read() == bytes(content)
    [entry] = api.get_paths_info(repo, "model.safetensors", revision=c2.oid)
    assert entry.lfs is not None and entry.size == len(second)
    assert entry.xet_hash == get_hf_file_metadata(hf_hub_url(repo, "model.safetensors", revision=c2.oid,
                                                             endpoint=ENDPOINT), token=TOKEN).xet_file_data.file_hash
    [listed] = [f for f in api.list_repo_tree(repo, revision=c1.oid) if f.path == "model.safetensors"]
    assert listed.xet_hash and listed.xet_hash != entry.xet_hash, "each revision's content has its own Xet hash"
