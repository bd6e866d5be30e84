"""Small pure helpers shared by the test modules (no fixtures here, see conftest.py)."""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path

MIB = 1024 * 1024


def unique_name(prefix: str = "compat") -> str:
    """A repo name no other test (or earlier run) uses."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: str | os.PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1024 * 1024), b""):
            h.update(chunk)
    return h.hexdigest()


def git_blob_sha1(data: bytes) -> str:
    """The git object id of a blob with this content (what the Hub reports as a regular file's oid/ETag)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def lfs_pointer(sha256: str, size: int) -> bytes:
    """The canonical git-lfs pointer file the Hub commits in place of an LFS file."""
    return f"version https://git-lfs.github.com/spec/v1\noid sha256:{sha256}\nsize {size}\n".encode()


def write_random_file(path: Path, size: int) -> str:
    """Writes `size` random (incompressible, never seen before) bytes and returns their sha256."""
    path.parent.mkdir(parents=True, exist_ok=True)
    h = hashlib.sha256()
    with open(path, "wb") as f:
        remaining = size
        while remaining > 0:
            chunk = os.urandom(min(remaining, 4 * MIB))
            f.write(chunk)
            h.update(chunk)
            remaining -= len(chunk)
    return h.hexdigest()


def read_bytes(path: str | os.PathLike) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def is_hex(s: str | None, length: int) -> bool:
    return isinstance(s, str) and len(s) == length and all(c in "0123456789abcdef" for c in s)


def upload_text(api, repo_id: str, path: str, text: str, *, repo_type=None, revision=None, message=None):
    """upload_file of a small UTF-8 text; returns the CommitInfo."""
    return api.upload_file(
        path_or_fileobj=text.encode(),
        path_in_repo=path,
        repo_id=repo_id,
        repo_type=repo_type,
        revision=revision,
        commit_message=message or f"add {path}",
    )
