"""Uploads (upload_file, upload_folder, LFS) and downloads (hf_hub_download, snapshot_download)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from huggingface_hub import get_hf_file_metadata, hf_hub_download, hf_hub_url, snapshot_download
from huggingface_hub.errors import RepositoryNotFoundError
from huggingface_hub.hf_api import RepoFile
from huggingface_hub.lfs import UploadInfo, post_lfs_batch_info

from helpers import (
    MIB,
    git_blob_sha1,
    is_hex,
    lfs_pointer,
    read_bytes,
    sha256_file,
    unique_name,
    write_random_file,
)


def _files_under(root: Path) -> dict[str, str]:
    """relative posix path -> sha256 of every regular file below root (following the cache's symlinks)."""
    out = {}
    for dirpath, _dirnames, filenames in os.walk(root):
        for name in filenames:
            full = Path(dirpath) / name
            rel = full.relative_to(root).as_posix()
            if rel.startswith(".cache/"):  # local_dir metadata, not repo content
                continue
            out[rel] = sha256_file(full)
    return out


def test_upload_small_text_file(api, model_repo, tmp_path, cache_dir, hub):
    content = "Hello Arbor!\nsecond line with ümlauts\n".encode()
    local = tmp_path / "hello.txt"
    local.write_bytes(content)

    commit = api.upload_file(
        path_or_fileobj=str(local), path_in_repo="docs/hello.txt", repo_id=model_repo, commit_message="add hello"
    )

    assert is_hex(commit.oid, 40)
    assert commit.commit_url == f"{hub.endpoint}/{model_repo}/commit/{commit.oid}"
    assert commit.commit_message == "add hello"
    assert api.model_info(model_repo).sha == commit.oid

    [entry] = api.get_paths_info(model_repo, ["docs/hello.txt"])
    assert isinstance(entry, RepoFile)
    assert entry.path == "docs/hello.txt"
    assert entry.size == len(content)
    assert entry.lfs is None, "a small text file must be stored as a regular git blob"
    assert entry.blob_id == git_blob_sha1(content)

    path = hf_hub_download(model_repo, "docs/hello.txt", endpoint=hub.endpoint, token=hub.token, cache_dir=cache_dir)
    assert read_bytes(path) == content
    # cache layout: snapshots/<commit>/<path>
    assert Path(path).parent.parent.name == commit.oid

    meta = get_hf_file_metadata(hf_hub_url(model_repo, "docs/hello.txt", endpoint=hub.endpoint), token=hub.token)
    assert meta.commit_hash == commit.oid
    assert meta.etag == git_blob_sha1(content)
    assert meta.size == len(content)


def test_upload_and_download_empty_file(api, model_repo, cache_dir, hub):
    commit = api.upload_file(path_or_fileobj=b"", path_in_repo="empty.txt", repo_id=model_repo)
    [entry] = api.get_paths_info(model_repo, ["empty.txt"])
    assert (entry.size, entry.lfs, entry.blob_id) == (0, None, git_blob_sha1(b""))
    path = hf_hub_download(model_repo, "empty.txt", endpoint=hub.endpoint, token=hub.token, cache_dir=cache_dir)
    assert read_bytes(path) == b""
    assert Path(path).parent.name == commit.oid


def test_upload_lfs_binary(api, model_repo, tmp_path, cache_dir, hub):
    size = 6 * MIB + 123
    local = tmp_path / "model.bin"
    sha = write_random_file(local, size)

    commit = api.upload_file(
        path_or_fileobj=str(local), path_in_repo="weights/model.bin", repo_id=model_repo, commit_message="add weights"
    )
    assert api.model_info(model_repo).sha == commit.oid

    pointer = lfs_pointer(sha, size)
    [entry] = api.get_paths_info(model_repo, "weights/model.bin")
    assert isinstance(entry, RepoFile)
    assert entry.size == size, "size of an LFS file is the real size, not the pointer size"
    assert entry.lfs is not None, "a multi-MB binary must go through LFS"
    assert entry.lfs.sha256 == sha
    assert entry.lfs.size == size
    assert entry.lfs.pointer_size == len(pointer)
    assert entry.blob_id == git_blob_sha1(pointer), "oid of an LFS file is the git oid of its pointer"

    [tree_entry] = [e for e in api.list_repo_tree(model_repo, "weights") if e.path == "weights/model.bin"]
    assert tree_entry.lfs is not None
    assert (tree_entry.lfs.sha256, tree_entry.lfs.size, tree_entry.size) == (sha, size, size)

    path = hf_hub_download(
        model_repo, "weights/model.bin", endpoint=hub.endpoint, token=hub.token, cache_dir=cache_dir
    )
    assert os.path.getsize(path) == size
    assert sha256_file(path) == sha
    # huggingface_hub names cache blobs after the ETag; for LFS files that is the sha256
    assert os.path.basename(os.path.realpath(path)) == sha

    meta = get_hf_file_metadata(hf_hub_url(model_repo, "weights/model.bin", endpoint=hub.endpoint), token=hub.token)
    assert (meta.commit_hash, meta.etag, meta.size) == (commit.oid, sha, size)

    # uploading the identical bytes again under another name re-uses the stored object and still commits it
    commit2 = api.upload_file(path_or_fileobj=str(local), path_in_repo="weights/copy.bin", repo_id=model_repo)
    [copy] = api.get_paths_info(model_repo, ["weights/copy.bin"])
    assert copy.lfs is not None and copy.lfs.sha256 == sha and copy.size == size
    assert api.model_info(model_repo).sha == commit2.oid
    p2 = hf_hub_download(model_repo, "weights/copy.bin", endpoint=hub.endpoint, token=hub.token, cache_dir=cache_dir)
    assert sha256_file(p2) == sha


def test_large_file_goes_up_in_parts(api, model_repo, tmp_path, cache_dir, hub):
    """Objects larger than the hub's part size take the Hub's multipart transfer (parts, ETags, completion).

    The harness starts the hub with 5 MiB parts, so 12 MiB is cut in three."""
    size = 12 * MIB + 5
    local = tmp_path / "sharded.bin"
    sha = write_random_file(local, size)

    actions, errors, transfer = post_lfs_batch_info(
        [UploadInfo.from_path(str(local))], token=hub.token, repo_type="model", repo_id=model_repo,
        endpoint=hub.endpoint,
    )
    assert errors == [] and transfer == "basic"
    header = actions[0]["actions"]["upload"]["header"]
    chunk = int(header["chunk_size"])
    assert chunk < size, "the suite's hub must cut this file into parts"
    assert list(header)[1:] == [f"{n:05d}" for n in range(1, -(-size // chunk) + 1)]

    commit = api.upload_file(path_or_fileobj=str(local), path_in_repo="big/sharded.bin", repo_id=model_repo)
    [entry] = api.get_paths_info(model_repo, "big/sharded.bin", revision=commit.oid)
    assert entry.lfs is not None and entry.lfs.sha256 == sha and entry.size == size
    path = hf_hub_download(model_repo, "big/sharded.bin", endpoint=hub.endpoint, token=hub.token, cache_dir=cache_dir)
    assert sha256_file(path) == sha


def test_hf_hub_download_cached_second_call(api, model_repo, tmp_path, hub):
    cache = tmp_path / "cache"
    commit = api.upload_file(path_or_fileobj=b"cache me\n", path_in_repo="c.txt", repo_id=model_repo)

    first = hf_hub_download(model_repo, "c.txt", endpoint=hub.endpoint, token=hub.token, cache_dir=cache)
    blob = os.path.realpath(first)
    before = os.stat(blob)

    dry = hf_hub_download(model_repo, "c.txt", endpoint=hub.endpoint, token=hub.token, cache_dir=cache, dry_run=True)
    assert dry.is_cached is True
    assert dry.will_download is False
    assert dry.commit_hash == commit.oid

    second = hf_hub_download(model_repo, "c.txt", endpoint=hub.endpoint, token=hub.token, cache_dir=cache)
    assert second == first
    after = os.stat(os.path.realpath(second))
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns), "second call re-downloaded"

    offline = hf_hub_download(
        model_repo, "c.txt", endpoint=hub.endpoint, token=hub.token, cache_dir=cache, local_files_only=True
    )
    assert offline == first

    # A commit sha that is in the cache needs no request at all: it still resolves after the repo is gone,
    # while an empty cache now gets RepositoryNotFoundError from the hub.
    api.delete_repo(model_repo)
    by_sha = hf_hub_download(
        model_repo, "c.txt", revision=commit.oid, endpoint=hub.endpoint, token=hub.token, cache_dir=cache
    )
    assert read_bytes(by_sha) == b"cache me\n"
    with pytest.raises(RepositoryNotFoundError):
        hf_hub_download(
            model_repo, "c.txt", revision=commit.oid, endpoint=hub.endpoint, token=hub.token, cache_dir=tmp_path / "x"
        )


# --- upload_folder with nested folders and a ~50 MB file; the repo is shared by the snapshot tests below -------------

FOLDER_TEXT_FILES = {
    "README.txt": b"top level\n",
    "configs/base.txt": b"lr=0.1\n",
    "configs/nested/deeper/leaf.txt": b"a leaf deep down\n",
    "configs/nested/params.json": b'{"layers": 2, "hidden": 16}\n',
    "with space/file name.txt": b"spaces in paths\n",
    "special/plus+sign.txt": b"a plus is not a space\n",
    "special/\u00fcn\u00efc\u00f8d\u00e9 \u2713.txt": "unicode path \u2713\n".encode(),
}
BIG_FILE = "weights/big.bin"
BIG_SIZE = 50 * MIB + 7
SMALL_BIN = "weights/part/small.bin"
SMALL_BIN_SIZE = 2 * MIB


@pytest.fixture(scope="module")
def folder_repo(api, hub, tmp_path_factory):
    """A model repo filled by a single upload_folder call; yields (repo_id, local folder, CommitInfo)."""
    root = tmp_path_factory.mktemp("upload-folder")
    for rel, data in FOLDER_TEXT_FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    write_random_file(root / BIG_FILE, BIG_SIZE)
    write_random_file(root / SMALL_BIN, SMALL_BIN_SIZE)

    repo_id = f"{hub.user}/{unique_name('folder')}"
    api.create_repo(repo_id)
    try:
        commit = api.upload_folder(folder_path=str(root), repo_id=repo_id, commit_message="upload the folder")
        yield repo_id, root, commit
    finally:
        api.delete_repo(repo_id, missing_ok=True)


def test_upload_folder(api, folder_repo):
    repo_id, root, commit = folder_repo
    local = _files_under(root)
    assert len(local) == len(FOLDER_TEXT_FILES) + 2

    assert api.model_info(repo_id).sha == commit.oid
    files = set(api.list_repo_files(repo_id))
    assert set(local) <= files, f"missing after upload_folder: {set(local) - files}"
    assert files - set(local) <= {".gitattributes"}, f"unexpected files: {files - set(local) - {'.gitattributes'}}"

    # exactly one commit for the whole folder
    commits = api.list_repo_commits(repo_id)
    assert commits[0].commit_id == commit.oid
    assert commits[0].title == "upload the folder"

    infos = {e.path: e for e in api.get_paths_info(repo_id, sorted(local))}
    assert set(infos) == set(local)
    for rel, sha in local.items():
        size = (root / rel).stat().st_size
        assert infos[rel].size == size, rel
    for rel in (BIG_FILE, SMALL_BIN):
        assert infos[rel].lfs is not None, f"{rel} must be an LFS file"
        assert infos[rel].lfs.sha256 == local[rel]
        assert infos[rel].lfs.size == (root / rel).stat().st_size
    for rel, data in FOLDER_TEXT_FILES.items():
        assert infos[rel].lfs is None, f"{rel} must be a regular file"
        assert infos[rel].blob_id == git_blob_sha1(data)


def test_snapshot_download_all_files(folder_repo, tmp_path, hub):
    repo_id, root, commit = folder_repo
    snap = snapshot_download(repo_id, endpoint=hub.endpoint, token=hub.token, cache_dir=tmp_path / "cache")
    assert Path(snap).name == commit.oid
    got = _files_under(Path(snap))
    want = _files_under(root)
    got.pop(".gitattributes", None)
    assert got == want  # same paths, byte-identical (sha256) contents

    # the same into a plain local_dir
    local_dir = tmp_path / "local"
    out = snapshot_download(repo_id, endpoint=hub.endpoint, token=hub.token, local_dir=local_dir)
    assert Path(out) == local_dir
    got = _files_under(local_dir)
    got.pop(".gitattributes", None)
    assert got == want


def test_snapshot_download_allow_patterns(folder_repo, tmp_path, hub):
    repo_id, root, _commit = folder_repo
    snap = snapshot_download(
        repo_id, endpoint=hub.endpoint, token=hub.token, cache_dir=tmp_path / "cache", allow_patterns="*.txt"
    )
    got = _files_under(Path(snap))
    want = {rel: sha for rel, sha in _files_under(root).items() if rel.endswith(".txt")}
    assert got == want

    snap = snapshot_download(
        repo_id,
        endpoint=hub.endpoint,
        token=hub.token,
        cache_dir=tmp_path / "cache2",
        allow_patterns=["configs/*"],
        ignore_patterns=["*.json"],
    )
    assert set(_files_under(Path(snap))) == {"configs/base.txt", "configs/nested/deeper/leaf.txt"}


def test_hf_hub_download_special_paths_and_big_file(folder_repo, tmp_path, hub):
    repo_id, root, commit = folder_repo
    p = hf_hub_download(
        repo_id, "with space/file name.txt", endpoint=hub.endpoint, token=hub.token, cache_dir=tmp_path
    )
    assert read_bytes(p) == FOLDER_TEXT_FILES["with space/file name.txt"]
    for special in ("special/plus+sign.txt", "special/\u00fcn\u00efc\u00f8d\u00e9 \u2713.txt"):
        p = hf_hub_download(repo_id, special, endpoint=hub.endpoint, token=hub.token, cache_dir=tmp_path)
        assert read_bytes(p) == FOLDER_TEXT_FILES[special], special
    p = hf_hub_download(repo_id, BIG_FILE, endpoint=hub.endpoint, token=hub.token, cache_dir=tmp_path)
    assert os.path.getsize(p) == BIG_SIZE
    assert sha256_file(p) == sha256_file(root / BIG_FILE)
    # subfolder= is just another way of spelling the path
    p = hf_hub_download(
        repo_id, "leaf.txt", subfolder="configs/nested/deeper", endpoint=hub.endpoint, token=hub.token, cache_dir=tmp_path
    )
    assert read_bytes(p) == FOLDER_TEXT_FILES["configs/nested/deeper/leaf.txt"]


def test_hf_file_system_range_reads(folder_repo, hub):
    """HfFileSystem (what datasets and pandas use for hf:// paths) reads byte ranges of a large LFS file."""
    from huggingface_hub import HfFileSystem

    repo_id, root, commit = folder_repo
    fs = HfFileSystem(endpoint=hub.endpoint, token=hub.token)
    local = root / BIG_FILE
    with open(local, "rb") as f:
        f.seek(BIG_SIZE - 1000)
        tail = f.read()
        f.seek(12_345_678)
        middle = f.read(4096)
    assert fs.info(f"{repo_id}/{BIG_FILE}")["size"] == BIG_SIZE
    with fs.open(f"{repo_id}/{BIG_FILE}", "rb", block_size=64 * 1024) as remote:
        remote.seek(12_345_678)
        assert remote.read(4096) == middle
        remote.seek(BIG_SIZE - 1000)
        assert remote.read() == tail
    assert fs.cat_file(f"{repo_id}@{commit.oid}/configs/base.txt") == FOLDER_TEXT_FILES["configs/base.txt"]
    assert sorted(fs.ls(f"{repo_id}/configs", detail=False)) == [f"{repo_id}/configs/base.txt", f"{repo_id}/configs/nested"]
