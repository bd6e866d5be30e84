"""Error mapping as huggingface_hub users see it: typed exceptions for missing repos/revisions/files,
403 for a read-only token, 401 for an invalid token."""

from __future__ import annotations

import pytest
from huggingface_hub import HfApi, hf_hub_download, snapshot_download
from huggingface_hub.errors import (
    EntryNotFoundError,
    HfHubHTTPError,
    RemoteEntryNotFoundError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)

from helpers import read_bytes, unique_name, upload_text

INVALID_TOKEN = "hf_" + "x" * 34


def test_missing_repo(api, cache_dir, hub):
    missing = f"{hub.user}/{unique_name('missing')}"
    with pytest.raises(RepositoryNotFoundError):
        api.model_info(missing)
    with pytest.raises(RepositoryNotFoundError):
        api.dataset_info(missing)
    with pytest.raises(RepositoryNotFoundError):
        hf_hub_download(missing, "config.json", endpoint=hub.endpoint, token=hub.token, cache_dir=cache_dir)
    with pytest.raises(RepositoryNotFoundError):
        api.list_repo_files(missing)
    with pytest.raises(RepositoryNotFoundError):
        api.list_repo_refs(missing)
    with pytest.raises(RepositoryNotFoundError):
        api.list_repo_commits(missing)
    with pytest.raises(RepositoryNotFoundError):
        snapshot_download(missing, endpoint=hub.endpoint, token=hub.token, cache_dir=cache_dir)
    with pytest.raises(RepositoryNotFoundError):
        api.upload_file(path_or_fileobj=b"x", path_in_repo="x.txt", repo_id=missing)
    assert api.repo_exists(missing) is False
    # anonymous callers get the same exception type (the hub answers 401 + RepoNotFound there)
    with pytest.raises(RepositoryNotFoundError):
        HfApi(endpoint=hub.endpoint, token=False).model_info(missing)
    # a namespace that does not exist at all
    with pytest.raises(RepositoryNotFoundError):
        api.model_info(f"{unique_name('nobody')}/{unique_name('nothing')}")


def test_missing_revision(api, model_repo, cache_dir, hub):
    upload_text(api, model_repo, "f.txt", "f\n")
    with pytest.raises(RevisionNotFoundError):
        hf_hub_download(
            model_repo, "f.txt", revision="no-such-rev", endpoint=hub.endpoint, token=hub.token, cache_dir=cache_dir
        )
    with pytest.raises(RevisionNotFoundError):
        hf_hub_download(
            model_repo, "f.txt", revision="0" * 40, endpoint=hub.endpoint, token=hub.token, cache_dir=cache_dir
        )
    with pytest.raises(RevisionNotFoundError):
        api.model_info(model_repo, revision="no-such-rev")
    with pytest.raises(RevisionNotFoundError):
        api.list_repo_files(model_repo, revision="no-such-rev")
    with pytest.raises(RevisionNotFoundError):
        api.list_repo_commits(model_repo, revision="no-such-rev")
    with pytest.raises(RevisionNotFoundError):
        hf_hub_download(
            model_repo, "f.txt", revision="refs/pr/999", endpoint=hub.endpoint, token=hub.token, cache_dir=cache_dir
        )
    assert api.revision_exists(model_repo, "no-such-rev") is False
    assert api.revision_exists(model_repo, "main") is True


def test_missing_file(api, model_repo, cache_dir, hub):
    commit = upload_text(api, model_repo, "present.txt", "present\n")
    with pytest.raises(RemoteEntryNotFoundError) as excinfo:
        hf_hub_download(model_repo, "absent.txt", endpoint=hub.endpoint, token=hub.token, cache_dir=cache_dir)
    assert isinstance(excinfo.value, EntryNotFoundError)
    assert excinfo.value.response.status_code == 404
    # the miss carries the commit, so huggingface_hub caches it under .no_exist/<commit>/
    no_exist = cache_dir / f"models--{model_repo.replace('/', '--')}" / ".no_exist" / commit.oid / "absent.txt"
    assert no_exist.exists(), "404 EntryNotFound must carry X-Repo-Commit"

    with pytest.raises(EntryNotFoundError):
        hf_hub_download(model_repo, "dir/absent.bin", endpoint=hub.endpoint, token=hub.token, cache_dir=cache_dir)
    assert api.file_exists(model_repo, "absent.txt") is False
    # a folder is not a file
    upload_text(api, model_repo, "folder/inner.txt", "inner\n")
    with pytest.raises(EntryNotFoundError):
        hf_hub_download(model_repo, "folder", endpoint=hub.endpoint, token=hub.token, cache_dir=cache_dir / "f")


def test_read_only_token_cannot_write(api, read_api, model_repo, hub, cache_dir):
    head = upload_text(api, model_repo, "readable.txt", "readable\n").oid

    # the read token is valid: it can read
    assert read_api.model_info(model_repo).sha == head
    p = hf_hub_download(model_repo, "readable.txt", endpoint=hub.endpoint, token=hub.read_token, cache_dir=cache_dir)
    assert read_bytes(p) == b"readable\n"
    assert read_api.whoami()["name"] == hub.user

    # ...but not write
    with pytest.raises(HfHubHTTPError) as excinfo:
        upload_text(read_api, model_repo, "nope.txt", "must not land\n")
    assert excinfo.value.response.status_code == 403
    with pytest.raises(HfHubHTTPError) as excinfo:
        read_api.upload_file(path_or_fileobj=bytes(3 * 1024 * 1024), path_in_repo="nope.bin", repo_id=model_repo)
    assert excinfo.value.response.status_code == 403
    with pytest.raises(HfHubHTTPError) as excinfo:
        read_api.delete_file("readable.txt", model_repo)
    assert excinfo.value.response.status_code == 403
    with pytest.raises(HfHubHTTPError) as excinfo:
        read_api.create_branch(model_repo, branch="from-read-token")
    assert excinfo.value.response.status_code == 403
    with pytest.raises(HfHubHTTPError) as excinfo:
        read_api.delete_repo(model_repo)
    assert excinfo.value.response.status_code == 403

    new_repo = f"{hub.user}/{unique_name('readonly')}"
    with pytest.raises(HfHubHTTPError) as excinfo:
        read_api.create_repo(new_repo)
    assert excinfo.value.response.status_code == 403
    assert api.repo_exists(new_repo) is False

    assert api.model_info(model_repo).sha == head
    assert {b.name for b in api.list_repo_refs(model_repo).branches} == {"main"}
    assert api.file_exists(model_repo, "nope.txt") is False


def test_invalid_token_gets_401(api, model_repo, hub):
    bad = HfApi(endpoint=hub.endpoint, token=INVALID_TOKEN)
    with pytest.raises(HfHubHTTPError) as excinfo:
        bad.whoami()
    assert excinfo.value.response.status_code == 401

    with pytest.raises(HfHubHTTPError) as excinfo:
        bad.create_repo(f"{hub.user}/{unique_name('badtoken')}")
    assert excinfo.value.response.status_code == 401

    with pytest.raises(HfHubHTTPError) as excinfo:
        upload_text(bad, model_repo, "bad.txt", "must not land\n")
    assert excinfo.value.response.status_code == 401
    assert api.file_exists(model_repo, "bad.txt") is False

    # the valid write token for comparison
    me = api.whoami()
    assert me["name"] == hub.user
