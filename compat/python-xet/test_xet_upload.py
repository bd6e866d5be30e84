"""Uploads through Xet with the real hf_xet, then downloads (plain HTTP, from the LFS object the commit made)."""

from __future__ import annotations

import os

from huggingface_hub import HfApi, constants, hf_hub_download
from huggingface_hub.utils._runtime import is_xet_available

ENDPOINT = os.environ["HF_ENDPOINT"]
USER = os.environ["ARBOR_USER"]
TOKEN = os.environ["ARBOR_TOKEN"]
MIB = 1024 * 1024


def test_a_model_and_its_second_revision_go_up_through_xet(tmp_path):
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

    for commit, content in ((c1, first), (c2, second)):
        path = hf_hub_download(repo, "model.safetensors", revision=commit.oid, endpoint=ENDPOINT, token=TOKEN,
                               cache_dir=tmp_path / "cache")
        with open(path, "rb") as f:
            assert f.read() == bytes(content)
    [entry] = api.get_paths_info(repo, "model.safetensors", revision=c2.oid)
    assert entry.lfs is not None and entry.size == len(second)
