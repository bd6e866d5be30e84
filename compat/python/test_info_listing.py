"""Repo info and listings: model_info, dataset_info, list_repo_files, list_repo_tree, get_paths_info,
list_repo_commits, list_repo_refs. One module-scoped repo with a known three-commit history serves all reads."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field

import pytest
from huggingface_hub import CommitOperationAdd
from huggingface_hub.errors import EntryNotFoundError, RevisionNotFoundError
from huggingface_hub.hf_api import CommitInfo, RepoFile, RepoFolder

from helpers import MIB, git_blob_sha1, is_hex, lfs_pointer, sha256_bytes, unique_name

README = b"""---
license: mit
tags:
- arbor-compat
- tiny
language:
- en
---
# Tiny test model

Used by the Arbor compatibility suite.
"""
CONFIG = b'{"model_type": "bert", "hidden_size": 8}\n'
DEEP = b"deep inside\n"
OTHER = b"another file in nested/a\n"
TOP = b"nested top\n"
WEIGHTS_SIZE = 3 * MIB + 11


@dataclass
class History:
    repo_id: str
    c1: CommitInfo  # README.md, config.json, nested/a/b/deep.txt
    c2: CommitInfo  # weights/model.bin (LFS), nested/a/other.txt
    c3: CommitInfo  # nested/top.txt
    weights: bytes = field(repr=False)

    @property
    def contents(self) -> dict[str, bytes]:
        return {
            "README.md": README,
            "config.json": CONFIG,
            "nested/a/b/deep.txt": DEEP,
            "nested/a/other.txt": OTHER,
            "nested/top.txt": TOP,
            "weights/model.bin": self.weights,
        }


FOLDERS = {"nested", "nested/a", "nested/a/b", "weights"}


@pytest.fixture(scope="module")
def history(api, hub):
    repo_id = f"{hub.user}/{unique_name('history')}"
    api.create_repo(repo_id)
    weights = os.urandom(WEIGHTS_SIZE)
    try:
        c1 = api.create_commit(
            repo_id,
            operations=[
                CommitOperationAdd("README.md", README),
                CommitOperationAdd("config.json", CONFIG),
                CommitOperationAdd("nested/a/b/deep.txt", DEEP),
            ],
            commit_message="commit one",
            commit_description="the first of three",
        )
        c2 = api.create_commit(
            repo_id,
            operations=[CommitOperationAdd("weights/model.bin", weights), CommitOperationAdd("nested/a/other.txt", OTHER)],
            commit_message="commit two",
        )
        c3 = api.create_commit(
            repo_id, operations=[CommitOperationAdd("nested/top.txt", TOP)], commit_message="commit three"
        )
        yield History(repo_id, c1, c2, c3, weights)
    finally:
        api.delete_repo(repo_id, missing_ok=True)


def _without_gitattributes(paths):
    return {p for p in paths if p != ".gitattributes"}


def test_model_info_basic(api, history, hub):
    info = api.model_info(history.repo_id)
    assert info.id == history.repo_id
    assert info.author == hub.user
    assert info.sha == history.c3.oid
    assert info.private is False
    assert _without_gitattributes(s.rfilename for s in info.siblings) == set(history.contents)

    newest = api.list_repo_commits(history.repo_id)[0]
    assert info.last_modified is not None
    assert abs(info.last_modified - newest.created_at) < dt.timedelta(seconds=2)


def test_model_info_files_metadata(api, history):
    info = api.model_info(history.repo_id, files_metadata=True)
    by_name = {s.rfilename: s for s in info.siblings}
    for path, data in history.contents.items():
        assert by_name[path].size == len(data), path
    weights = by_name["weights/model.bin"]
    assert weights.lfs is not None
    assert weights.lfs.sha256 == sha256_bytes(history.weights)
    assert weights.lfs.size == WEIGHTS_SIZE
    assert weights.lfs.pointer_size == len(lfs_pointer(sha256_bytes(history.weights), WEIGHTS_SIZE))
    assert by_name["config.json"].lfs is None
    assert by_name["config.json"].blob_id == git_blob_sha1(CONFIG)


def test_model_info_card_data(api, history):
    card = api.model_info(history.repo_id).card_data
    assert card is not None, "cardData must be parsed from the README YAML front matter"
    assert card["license"] == "mit"
    assert card.license == "mit"
    assert card.tags == ["arbor-compat", "tiny"]
    assert card.language == ["en"]


def test_model_info_at_revision(api, history):
    old = api.model_info(history.repo_id, revision=history.c1.oid)
    assert old.sha == history.c1.oid
    assert _without_gitattributes(s.rfilename for s in old.siblings) == {
        "README.md",
        "config.json",
        "nested/a/b/deep.txt",
    }
    assert api.model_info(history.repo_id, revision="main").sha == history.c3.oid
    with pytest.raises(RevisionNotFoundError):
        api.model_info(history.repo_id, revision="no-such-branch")


def test_list_repo_files(api, history):
    files = api.list_repo_files(history.repo_id)
    assert len(files) == len(set(files))
    assert _without_gitattributes(files) == set(history.contents)
    assert _without_gitattributes(api.list_repo_files(history.repo_id, revision=history.c2.oid)) == (
        set(history.contents) - {"nested/top.txt"}
    )


def test_list_repo_tree_root_not_recursive(api, history):
    entries = list(api.list_repo_tree(history.repo_id))
    files = {e.path for e in entries if isinstance(e, RepoFile)}
    folders = {e.path for e in entries if isinstance(e, RepoFolder)}
    assert _without_gitattributes(files) == {"README.md", "config.json"}
    assert folders == {"nested", "weights"}
    by_path = {e.path: e for e in entries}
    assert by_path["README.md"].size == len(README)
    assert by_path["config.json"].blob_id == git_blob_sha1(CONFIG)
    for folder in ("nested", "weights"):
        assert is_hex(by_path[folder].tree_id, 40), "folders carry their git tree oid"


def test_list_repo_tree_recursive(api, history):
    entries = list(api.list_repo_tree(history.repo_id, recursive=True))
    files = {e.path: e for e in entries if isinstance(e, RepoFile)}
    folders = {e.path for e in entries if isinstance(e, RepoFolder)}
    assert _without_gitattributes(files) == set(history.contents)
    assert folders == FOLDERS
    for path, data in history.contents.items():
        assert files[path].size == len(data), path
    assert files["weights/model.bin"].lfs is not None
    assert files["weights/model.bin"].lfs.sha256 == sha256_bytes(history.weights)
    assert files["nested/top.txt"].blob_id == git_blob_sha1(TOP)


def test_list_repo_tree_nested_path(api, history):
    # huggingface_hub sends the path as nested%2Fa
    entries = list(api.list_repo_tree(history.repo_id, path_in_repo="nested/a"))
    assert {(type(e).__name__, e.path) for e in entries} == {
        ("RepoFile", "nested/a/other.txt"),
        ("RepoFolder", "nested/a/b"),
    }
    entries = list(api.list_repo_tree(history.repo_id, path_in_repo="nested/a/b"))
    assert [(type(e).__name__, e.path, e.size) for e in entries] == [("RepoFile", "nested/a/b/deep.txt", len(DEEP))]

    entries = list(api.list_repo_tree(history.repo_id, path_in_repo="nested", recursive=True))
    assert {e.path for e in entries} == {
        "nested/a",
        "nested/a/b",
        "nested/a/b/deep.txt",
        "nested/a/other.txt",
        "nested/top.txt",
    }
    # at an older revision the folder has fewer entries
    entries = list(api.list_repo_tree(history.repo_id, path_in_repo="nested/a", revision=history.c1.oid))
    assert {e.path for e in entries} == {"nested/a/b"}


def test_list_repo_tree_missing_path(api, history):
    with pytest.raises(EntryNotFoundError):
        list(api.list_repo_tree(history.repo_id, path_in_repo="nested/does-not-exist"))
    with pytest.raises(RevisionNotFoundError):
        list(api.list_repo_tree(history.repo_id, revision="no-such-branch"))


def test_list_repo_tree_expand_last_commit(api, history):
    entries = {e.path: e for e in api.list_repo_tree(history.repo_id, recursive=True, expand=True)}
    expected = {
        "README.md": history.c1,
        "config.json": history.c1,
        "nested/a/b/deep.txt": history.c1,
        "nested/a/b": history.c1,
        "nested/a/other.txt": history.c2,
        "nested/a": history.c2,
        "weights/model.bin": history.c2,
        "weights": history.c2,
        "nested/top.txt": history.c3,
        "nested": history.c3,
    }
    for path, commit in expected.items():
        lc = entries[path].last_commit
        assert lc is not None, f"expand=True must give last_commit for {path}"
        assert lc.oid == commit.oid, f"{path}: last commit {lc.oid} != {commit.oid} ({commit.commit_message})"
        assert lc.title == commit.commit_message, path
        assert isinstance(lc.date, dt.datetime)

    # non-recursive + nested path + expand
    sub = {e.path: e for e in api.list_repo_tree(history.repo_id, path_in_repo="nested/a", expand=True)}
    assert sub["nested/a/other.txt"].last_commit.oid == history.c2.oid
    assert sub["nested/a/b"].last_commit.oid == history.c1.oid


def test_get_paths_info(api, history):
    got = api.get_paths_info(
        history.repo_id, ["config.json", "weights/model.bin", "nested/a", "does/not/exist.txt"]
    )
    by_path = {e.path: e for e in got}
    assert set(by_path) == {"config.json", "weights/model.bin", "nested/a"}, "missing paths are silently omitted"
    assert isinstance(by_path["config.json"], RepoFile)
    assert by_path["config.json"].size == len(CONFIG)
    assert by_path["config.json"].lfs is None
    assert by_path["config.json"].last_commit is None  # only with expand=True
    assert isinstance(by_path["nested/a"], RepoFolder)
    w = by_path["weights/model.bin"]
    assert w.lfs is not None and w.lfs.sha256 == sha256_bytes(history.weights) and w.size == WEIGHTS_SIZE

    expanded = {e.path: e for e in api.get_paths_info(history.repo_id, ["config.json", "nested"], expand=True)}
    assert expanded["config.json"].last_commit.oid == history.c1.oid
    assert expanded["config.json"].last_commit.title == "commit one"
    assert expanded["nested"].last_commit.oid == history.c3.oid

    # at an older revision
    old = api.get_paths_info(history.repo_id, ["weights/model.bin", "config.json"], revision=history.c1.oid)
    assert [e.path for e in old] == ["config.json"]


def test_list_repo_commits(api, history, hub):
    commits = api.list_repo_commits(history.repo_id)
    ours = [history.c3, history.c2, history.c1]
    assert [c.commit_id for c in commits[:3]] == [c.oid for c in ours], "newest first"
    assert [c.title for c in commits[:3]] == ["commit three", "commit two", "commit one"]
    assert history.c1.oid not in [c.commit_id for c in commits[3:]]
    for c in commits[:3]:
        assert hub.user in c.authors, f"author of {c.commit_id} is {c.authors}, expected {hub.user}"
    dates = [c.created_at for c in commits]
    assert dates == sorted(dates, reverse=True)
    assert "the first of three" in commits[2].message

    older = api.list_repo_commits(history.repo_id, revision=history.c2.oid)
    assert [c.commit_id for c in older[:2]] == [history.c2.oid, history.c1.oid]
    assert len(older) == len(commits) - 1


def test_list_repo_refs(api, history):
    refs = api.list_repo_refs(history.repo_id)
    assert [(b.name, b.ref, b.target_commit) for b in refs.branches] == [("main", "refs/heads/main", history.c3.oid)]
    assert refs.tags == []
    assert refs.converts == []
    assert refs.pull_requests is None
    refs = api.list_repo_refs(history.repo_id, include_pull_requests=True)
    assert refs.pull_requests == []


def test_dataset_info(api, dataset_repo):
    c1 = api.create_commit(
        dataset_repo,
        repo_type="dataset",
        operations=[
            CommitOperationAdd("README.md", README.replace(b"license: mit", b"license: apache-2.0")),
            CommitOperationAdd("data/train.csv", b"a,b\n1,2\n"),
        ],
        commit_message="add dataset files",
    )
    info = api.dataset_info(dataset_repo)
    assert info.id == dataset_repo
    assert info.sha == c1.oid
    assert info.card_data is not None and info.card_data.license == "apache-2.0"
    assert info.card_data.tags == ["arbor-compat", "tiny"]
    assert _without_gitattributes(s.rfilename for s in info.siblings) == {"README.md", "data/train.csv"}
    sized = {s.rfilename: s.size for s in api.dataset_info(dataset_repo, files_metadata=True).siblings}
    assert sized["data/train.csv"] == len(b"a,b\n1,2\n")
    assert _without_gitattributes(api.list_repo_files(dataset_repo, repo_type="dataset")) == {
        "README.md",
        "data/train.csv",
    }


def test_listings_follow_pagination(api, model_repo):
    """Enough entries and commits that any sane page size needs several pages (Link: rel="next")."""
    n_files = 1100
    api.create_commit(
        model_repo,
        operations=[CommitOperationAdd(f"many/f{i:04d}.txt", b"%d\n" % i) for i in range(n_files)],
        commit_message="many files",
    )
    expected = {f"many/f{i:04d}.txt" for i in range(n_files)}
    files = api.list_repo_files(model_repo)
    assert len(files) == len(set(files)), "an entry was listed twice across pages"
    assert _without_gitattributes(files) == expected
    flat = [e.path for e in api.list_repo_tree(model_repo, path_in_repo="many")]
    assert len(flat) == n_files and set(flat) == expected
    expanded = list(api.list_repo_tree(model_repo, path_in_repo="many", expand=True))
    assert len(expanded) == n_files
    assert all(e.last_commit is not None and e.last_commit.title == "many files" for e in expanded)
    assert len(api.get_paths_info(model_repo, sorted(expected))) == n_files  # client batches by its own limit

    n_commits = 110
    oids = [
        api.create_commit(
            model_repo, operations=[CommitOperationAdd("counter.txt", b"%d\n" % i)], commit_message=f"count {i}"
        ).oid
        for i in range(n_commits)
    ]
    commits = api.list_repo_commits(model_repo)
    ids = [c.commit_id for c in commits]
    assert len(ids) == len(set(ids))
    assert ids[:n_commits] == oids[::-1]
    assert [c.title for c in commits[:3]] == [f"count {n_commits - 1}", f"count {n_commits - 2}", f"count {n_commits - 3}"]
