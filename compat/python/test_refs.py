"""Branches, tags, pull-request refs and downloads at every kind of revision."""

from __future__ import annotations

import os

import pytest
from huggingface_hub import CommitOperationAdd, hf_hub_download, snapshot_download
from huggingface_hub.errors import (
    BadRequestError,
    HfHubHTTPError,
    RemoteEntryNotFoundError,
    RevisionNotFoundError,
)

from helpers import read_bytes, upload_text


def _download(hub, repo_id, filename, revision, cache_dir):
    return read_bytes(
        hf_hub_download(
            repo_id, filename, revision=revision, endpoint=hub.endpoint, token=hub.token, cache_dir=cache_dir
        )
    )


def _branches(api, repo_id):
    return {b.name: b.target_commit for b in api.list_repo_refs(repo_id).branches}


def _tags(api, repo_id):
    return {t.name: t.target_commit for t in api.list_repo_refs(repo_id).tags}


def test_download_at_branch_tag_and_commit(api, model_repo, cache_dir, hub):
    v1 = upload_text(api, model_repo, "file.txt", "version 1\n", message="v1")
    api.create_tag(model_repo, tag="v1.0", revision=v1.oid, tag_message="first release")
    api.create_branch(model_repo, branch="stable", revision=v1.oid)
    v2 = upload_text(api, model_repo, "file.txt", "version 2\n", message="v2")
    v3 = upload_text(api, model_repo, "file.txt", "version 3 on stable\n", revision="stable", message="v3 stable")

    assert _branches(api, model_repo) == {"main": v2.oid, "stable": v3.oid}
    assert _tags(api, model_repo) == {"v1.0": v1.oid}

    assert _download(hub, model_repo, "file.txt", None, cache_dir) == b"version 2\n"
    assert _download(hub, model_repo, "file.txt", "main", cache_dir) == b"version 2\n"
    assert _download(hub, model_repo, "file.txt", "stable", cache_dir) == b"version 3 on stable\n"
    assert _download(hub, model_repo, "file.txt", "v1.0", cache_dir) == b"version 1\n"
    assert _download(hub, model_repo, "file.txt", v1.oid, cache_dir) == b"version 1\n"
    assert _download(hub, model_repo, "file.txt", v3.oid, cache_dir) == b"version 3 on stable\n"

    assert api.model_info(model_repo, revision="stable").sha == v3.oid
    snap = snapshot_download(
        model_repo, revision="v1.0", endpoint=hub.endpoint, token=hub.token, cache_dir=cache_dir / "snap"
    )
    assert os.path.basename(snap) == v1.oid
    assert read_bytes(os.path.join(snap, "file.txt")) == b"version 1\n"
    assert api.model_info(model_repo, revision="v1.0").sha == v1.oid
    # stable branched off v1: its history is v3 <- v1 (v2 only lives on main)
    hist = [c.commit_id for c in api.list_repo_commits(model_repo, revision="stable")]
    assert hist[:2] == [v3.oid, v1.oid]
    assert v2.oid not in hist


def test_create_and_delete_branch_with_slash(api, model_repo, cache_dir, hub):
    base = upload_text(api, model_repo, "base.txt", "base\n")
    api.create_branch(model_repo, branch="feature/x")
    assert _branches(api, model_repo) == {"main": base.oid, "feature/x": base.oid}
    refs = {b.name: b.ref for b in api.list_repo_refs(model_repo).branches}
    assert refs["feature/x"] == "refs/heads/feature/x"

    feat = upload_text(api, model_repo, "feature.txt", "only on feature/x\n", revision="feature/x")
    assert _branches(api, model_repo)["feature/x"] == feat.oid
    assert _branches(api, model_repo)["main"] == base.oid

    assert _download(hub, model_repo, "feature.txt", "feature/x", cache_dir) == b"only on feature/x\n"
    assert _download(hub, model_repo, "base.txt", "feature/x", cache_dir) == b"base\n"
    assert "feature.txt" in api.list_repo_files(model_repo, revision="feature/x")
    assert "feature.txt" not in api.list_repo_files(model_repo)
    assert api.file_exists(model_repo, "feature.txt", revision="feature/x") is True
    assert api.file_exists(model_repo, "feature.txt") is False
    with pytest.raises(RemoteEntryNotFoundError):
        _download(hub, model_repo, "feature.txt", "main", cache_dir)

    # already exists -> 409, exist_ok swallows it
    with pytest.raises(HfHubHTTPError) as excinfo:
        api.create_branch(model_repo, branch="feature/x")
    assert excinfo.value.response.status_code == 409
    api.create_branch(model_repo, branch="feature/x", exist_ok=True)
    assert _branches(api, model_repo)["feature/x"] == feat.oid, "exist_ok must not move the branch"

    api.delete_branch(model_repo, branch="feature/x")
    assert _branches(api, model_repo) == {"main": base.oid}
    with pytest.raises(RevisionNotFoundError):
        hf_hub_download(
            model_repo, "feature.txt", revision="feature/x", endpoint=hub.endpoint, token=hub.token,
            cache_dir=cache_dir / "fresh",
        )
    assert api.model_info(model_repo).sha == base.oid


def test_invalid_branch_operations(api, model_repo):
    head = upload_text(api, model_repo, "x.txt", "x\n").oid
    with pytest.raises(BadRequestError):
        api.create_branch(model_repo, branch="refs/pr/5")
    with pytest.raises(HfHubHTTPError) as excinfo:
        api.delete_branch(model_repo, branch="main")  # the default branch is protected
    assert 400 <= excinfo.value.response.status_code < 500
    with pytest.raises(HfHubHTTPError) as excinfo:
        api.delete_branch(model_repo, branch="no-such-branch")
    assert excinfo.value.response.status_code == 404
    assert _branches(api, model_repo) == {"main": head}


def test_create_branch_from_revision_and_empty_repo_branch(api, model_repo):
    c1 = upload_text(api, model_repo, "a.txt", "a\n")
    upload_text(api, model_repo, "b.txt", "b\n")
    api.create_branch(model_repo, branch="from-c1", revision=c1.oid)
    assert _branches(api, model_repo)["from-c1"] == c1.oid
    assert "b.txt" not in api.list_repo_files(model_repo, revision="from-c1")
    with pytest.raises(RevisionNotFoundError):
        api.model_info(model_repo, revision="never-created")


def test_create_and_delete_tag(api, model_repo, cache_dir, hub):
    c1 = upload_text(api, model_repo, "t.txt", "tagged\n")
    api.create_tag(model_repo, tag="v0.1")  # defaults to the head of main
    upload_text(api, model_repo, "t.txt", "moved on\n")
    assert _tags(api, model_repo) == {"v0.1": c1.oid}
    assert {t.name: t.ref for t in api.list_repo_refs(model_repo).tags} == {"v0.1": "refs/tags/v0.1"}
    assert _download(hub, model_repo, "t.txt", "v0.1", cache_dir) == b"tagged\n"

    with pytest.raises(HfHubHTTPError) as excinfo:
        api.create_tag(model_repo, tag="v0.1")
    assert excinfo.value.response.status_code == 409
    api.create_tag(model_repo, tag="v0.1", exist_ok=True)
    assert _tags(api, model_repo) == {"v0.1": c1.oid}

    api.delete_tag(model_repo, tag="v0.1")
    assert _tags(api, model_repo) == {}
    with pytest.raises(RevisionNotFoundError):
        hf_hub_download(
            model_repo, "t.txt", revision="v0.1", endpoint=hub.endpoint, token=hub.token,
            cache_dir=cache_dir / "fresh",
        )
    with pytest.raises(RevisionNotFoundError):
        api.delete_tag(model_repo, tag="v0.1")


def test_pull_request_ref(api, model_repo, cache_dir, hub):
    base = upload_text(api, model_repo, "pr.txt", "before the PR\n")
    pr = api.create_commit(
        model_repo,
        operations=[
            CommitOperationAdd("pr.txt", b"changed in the PR\n"),
            CommitOperationAdd("added-by-pr.txt", b"new file\n"),
        ],
        commit_message="propose a change",
        create_pr=True,
    )
    assert pr.pr_url is not None, "create_pr=True must return pullRequestUrl"
    assert pr.pr_num is not None and pr.pr_num >= 1
    assert pr.pr_revision == f"refs/pr/{pr.pr_num}"
    assert pr.pr_url == f"{hub.endpoint}/{model_repo}/discussions/{pr.pr_num}"

    # main is untouched
    assert api.model_info(model_repo).sha == base.oid
    assert _download(hub, model_repo, "pr.txt", "main", cache_dir) == b"before the PR\n"

    refs = api.list_repo_refs(model_repo, include_pull_requests=True)
    prs = {r.ref: r.target_commit for r in refs.pull_requests}
    assert prs == {pr.pr_revision: pr.oid}

    # huggingface_hub sends refs%2Fpr%2FN
    assert _download(hub, model_repo, "pr.txt", pr.pr_revision, cache_dir) == b"changed in the PR\n"
    assert _download(hub, model_repo, "added-by-pr.txt", pr.pr_revision, cache_dir) == b"new file\n"
    assert api.model_info(model_repo, revision=pr.pr_revision).sha == pr.oid
    assert "added-by-pr.txt" in api.list_repo_files(model_repo, revision=pr.pr_revision)
    assert "added-by-pr.txt" not in api.list_repo_files(model_repo)
    commits = api.list_repo_commits(model_repo, revision=pr.pr_revision)
    assert [c.commit_id for c in commits[:2]] == [pr.oid, base.oid]
    assert commits[0].title == "propose a change"

    # a second commit onto the same PR ref
    follow_up = upload_text(api, model_repo, "pr.txt", "PR, second round\n", revision=pr.pr_revision)
    assert {r.ref: r.target_commit for r in api.list_repo_refs(model_repo, include_pull_requests=True).pull_requests} == {
        pr.pr_revision: follow_up.oid
    }
    assert _download(hub, model_repo, "pr.txt", pr.pr_revision, cache_dir) == b"PR, second round\n"
    assert api.model_info(model_repo).sha == base.oid
