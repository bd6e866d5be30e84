"""Commits: delete_file, delete_folder, file_exists, multi-operation create_commit, parent_commit (412),
and concurrent writers."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from huggingface_hub import CommitOperationAdd, CommitOperationCopy, CommitOperationDelete, HfApi, hf_hub_download
from huggingface_hub.errors import EntryNotFoundError, HfHubHTTPError

from helpers import sha256_bytes, upload_text


def _files(api, repo_id, **kw):
    return {f for f in api.list_repo_files(repo_id, **kw) if f != ".gitattributes"}


def test_file_exists(api, model_repo):
    upload_text(api, model_repo, "dir/present.txt", "here\n")
    assert api.file_exists(model_repo, "dir/present.txt") is True
    assert api.file_exists(model_repo, "dir/absent.txt") is False
    assert api.file_exists(model_repo, "present.txt") is False
    assert api.file_exists(model_repo, "dir/present.txt", revision="no-such-branch") is False
    assert api.file_exists(f"{model_repo}-missing", "dir/present.txt") is False


def test_delete_file(api, model_repo):
    upload_text(api, model_repo, "keep.txt", "keep\n")
    upload_text(api, model_repo, "sub/gone.txt", "gone soon\n")
    before = api.model_info(model_repo).sha

    commit = api.delete_file("sub/gone.txt", model_repo, commit_message="remove gone.txt")
    assert commit.oid != before
    assert api.model_info(model_repo).sha == commit.oid
    assert api.file_exists(model_repo, "sub/gone.txt") is False
    assert _files(api, model_repo) == {"keep.txt"}
    assert api.list_repo_commits(model_repo)[0].title == "remove gone.txt"
    # the old revision still has it
    assert "sub/gone.txt" in api.list_repo_files(model_repo, revision=before)

    with pytest.raises(EntryNotFoundError):
        api.delete_file("sub/gone.txt", model_repo)
    assert api.model_info(model_repo).sha == commit.oid, "a failed delete must not create a commit"


def test_delete_folder(api, model_repo):
    api.create_commit(
        model_repo,
        operations=[
            CommitOperationAdd("stay.txt", b"stay\n"),
            CommitOperationAdd("folder/a.txt", b"a\n"),
            CommitOperationAdd("folder/sub/b.txt", b"b\n"),
            CommitOperationAdd("folder/sub/deeper/c.bin", bytes(range(256)) * 8000),  # ~2 MB, LFS
            CommitOperationAdd("folder-sibling/d.txt", b"same prefix, other folder\n"),
        ],
        commit_message="populate",
    )
    commit = api.delete_folder("folder", model_repo, commit_message="drop folder")
    assert api.model_info(model_repo).sha == commit.oid
    assert _files(api, model_repo) == {"stay.txt", "folder-sibling/d.txt"}
    assert api.file_exists(model_repo, "folder/sub/b.txt") is False
    assert api.list_repo_commits(model_repo)[0].title == "drop folder"


def test_create_commit_add_and_delete_is_one_commit(api, model_repo):
    first = api.create_commit(
        model_repo,
        operations=[CommitOperationAdd("old.txt", b"old\n"), CommitOperationAdd("other.txt", b"other\n")],
        commit_message="first",
    )
    n_before = len(api.list_repo_commits(model_repo))
    second = api.create_commit(
        model_repo,
        operations=[
            CommitOperationDelete("old.txt"),
            CommitOperationAdd("new.txt", b"new\n"),
            CommitOperationAdd("other.txt", b"other, updated\n"),
        ],
        commit_message="swap files",
        commit_description="longer description\nover two lines",
    )
    commits = api.list_repo_commits(model_repo)
    assert len(commits) == n_before + 1
    assert [c.commit_id for c in commits[:2]] == [second.oid, first.oid]
    assert commits[0].title == "swap files"
    assert "longer description" in commits[0].message
    assert _files(api, model_repo) == {"new.txt", "other.txt"}


def test_stale_parent_commit_is_rejected(api, model_repo):
    c1 = upload_text(api, model_repo, "base.txt", "base\n")
    # parent_commit == current head works
    c2 = api.create_commit(
        model_repo,
        operations=[CommitOperationAdd("second.txt", b"second\n")],
        commit_message="on top of c1",
        parent_commit=c1.oid,
    )
    assert api.model_info(model_repo).sha == c2.oid

    # parent_commit is no longer the head -> 412, nothing changes
    with pytest.raises(HfHubHTTPError) as excinfo:
        api.create_commit(
            model_repo,
            operations=[CommitOperationAdd("stale.txt", b"must not land\n"), CommitOperationDelete("base.txt")],
            commit_message="stale",
            parent_commit=c1.oid,
        )
    assert excinfo.value.response.status_code == 412
    assert api.model_info(model_repo).sha == c2.oid
    assert _files(api, model_repo) == {"base.txt", "second.txt"}
    assert [c.commit_id for c in api.list_repo_commits(model_repo)[:2]] == [c2.oid, c1.oid]


def test_stale_parent_commit_with_lfs_file(api, model_repo):
    c1 = upload_text(api, model_repo, "base.txt", "base\n")
    c2 = upload_text(api, model_repo, "base.txt", "moved on\n")
    big = bytes(range(256)) * 8192  # 2 MiB -> LFS path (preupload + batch + PUT before the commit)
    with pytest.raises(HfHubHTTPError) as excinfo:
        api.upload_file(path_or_fileobj=big, path_in_repo="big.bin", repo_id=model_repo, parent_commit=c1.oid)
    assert excinfo.value.response.status_code == 412
    assert api.model_info(model_repo).sha == c2.oid
    assert api.file_exists(model_repo, "big.bin") is False


def test_concurrent_upload_file(api, model_repo, hub):
    upload_text(api, model_repo, "init.txt", "init\n")
    n_before = len(api.list_repo_commits(model_repo))
    n_threads = 6
    start = threading.Barrier(n_threads)

    def worker(i: int):
        client = HfApi(endpoint=hub.endpoint, token=hub.token)  # one client per thread, as separate users would
        start.wait()
        return client.upload_file(
            path_or_fileobj=f"written by thread {i}\n".encode(),
            path_in_repo=f"concurrent/file-{i}.txt",
            repo_id=model_repo,
            commit_message=f"thread {i}",
        )

    with ThreadPoolExecutor(max_workers=n_threads) as pool:
        results = list(pool.map(worker, range(n_threads)))

    oids = [r.oid for r in results]
    assert len(set(oids)) == n_threads, "every upload must be its own commit"
    commits = api.list_repo_commits(model_repo)
    assert len(commits) == n_before + n_threads, "a concurrent commit was lost"
    assert set(oids) == {c.commit_id for c in commits[:n_threads]}
    assert {c.title for c in commits[:n_threads]} == {f"thread {i}" for i in range(n_threads)}
    files = _files(api, model_repo)
    assert files == {"init.txt"} | {f"concurrent/file-{i}.txt" for i in range(n_threads)}
    # history is linear: the head reaches every commit
    assert api.model_info(model_repo).sha == commits[0].commit_id


def test_copy_and_rename_with_create_commit(api, model_repo, tmp_path, hub):
    """CommitOperationCopy: regular files are re-sent inline, LFS files as an `lfsFile` line without `size`."""
    big = os.urandom(2 * 1024 * 1024 + 5)
    api.create_commit(
        model_repo,
        operations=[CommitOperationAdd("src/small.txt", b"small\n"), CommitOperationAdd("src/big.bin", big)],
        commit_message="sources",
    )
    commit = api.create_commit(
        model_repo,
        operations=[
            CommitOperationCopy("src/small.txt", "copies/small.txt"),
            CommitOperationCopy("src/big.bin", "copies/big.bin"),
            # rename = copy + delete
            CommitOperationCopy("src/big.bin", "renamed/big.bin"),
            CommitOperationDelete("src/big.bin"),
        ],
        commit_message="copy and rename",
    )
    assert _files(api, model_repo) == {"src/small.txt", "copies/small.txt", "copies/big.bin", "renamed/big.bin"}
    infos = {e.path: e for e in api.get_paths_info(model_repo, ["copies/big.bin", "renamed/big.bin"])}
    for path in ("copies/big.bin", "renamed/big.bin"):
        assert infos[path].lfs is not None and infos[path].lfs.sha256 == sha256_bytes(big), path
        assert infos[path].size == len(big), path
        local = hf_hub_download(
            model_repo, path, revision=commit.oid, endpoint=hub.endpoint, token=hub.token, cache_dir=tmp_path
        )
        with open(local, "rb") as f:
            assert f.read() == big
    local = hf_hub_download(model_repo, "copies/small.txt", endpoint=hub.endpoint, token=hub.token, cache_dir=tmp_path)
    with open(local, "rb") as f:
        assert f.read() == b"small\n"


def test_concurrent_lfs_uploads_of_identical_content(api, model_repo, hub):
    """Several writers upload the same large object at once (same sha256): every commit lands, one blob serves all."""
    data = os.urandom(3 * 1024 * 1024)
    n_threads = 4
    start = threading.Barrier(n_threads)

    def worker(i: int):
        client = HfApi(endpoint=hub.endpoint, token=hub.token)
        start.wait()
        return client.upload_file(path_or_fileobj=data, path_in_repo=f"same/{i}.bin", repo_id=model_repo)

    with ThreadPoolExecutor(max_workers=n_threads) as pool:
        results = list(pool.map(worker, range(n_threads)))
    assert len({r.oid for r in results}) == n_threads
    infos = api.get_paths_info(model_repo, [f"same/{i}.bin" for i in range(n_threads)])
    assert len(infos) == n_threads
    for e in infos:
        assert e.lfs is not None and e.lfs.sha256 == sha256_bytes(data) and e.size == len(data), e.path
