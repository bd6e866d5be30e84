"""Repo CRUD: create_repo, repo_exists, delete_repo, move_repo, update_repo_settings, visibility."""

from __future__ import annotations

import pytest
from huggingface_hub import hf_hub_download
from huggingface_hub.errors import HfHubHTTPError, RepositoryNotFoundError

from helpers import is_hex, read_bytes, unique_name, upload_text


def test_create_model_repo(api, repos, hub):
    repo_id = f"{hub.user}/{unique_name('model')}"
    url = api.create_repo(repo_id)
    repos.track(repo_id)

    assert url.repo_id == repo_id
    assert url.repo_type == "model"
    assert url.namespace == hub.user
    assert str(url) == f"{hub.endpoint}/{repo_id}"

    info = api.model_info(repo_id)
    assert info.id == repo_id
    assert info.private is False
    assert is_hex(info.sha, 40), f"model_info.sha of a new repo must be a commit id, got {info.sha!r}"
    assert api.repo_exists(repo_id) is True
    # repo types are separate namespaces
    assert api.repo_exists(repo_id, repo_type="dataset") is False
    # a new repo has a main branch that can be committed to right away
    refs = api.list_repo_refs(repo_id)
    assert [b.name for b in refs.branches] == ["main"]
    assert refs.branches[0].target_commit == info.sha


def test_create_dataset_repo(api, repos, hub):
    repo_id = f"{hub.user}/{unique_name('dataset')}"
    url = api.create_repo(repo_id, repo_type="dataset")
    repos.track(repo_id, "dataset")

    assert url.repo_id == repo_id
    assert url.repo_type == "dataset"
    assert str(url) == f"{hub.endpoint}/datasets/{repo_id}"

    info = api.dataset_info(repo_id)
    assert info.id == repo_id
    assert info.private is False
    assert is_hex(info.sha, 40)
    assert api.repo_exists(repo_id, repo_type="dataset") is True
    assert api.repo_exists(repo_id) is False  # no model of that name
    with pytest.raises(RepositoryNotFoundError):
        api.model_info(repo_id)


def test_create_private_repo(api, other_api, anon_api, repos, hub):
    repo_id = repos.create(private=True)
    upload_text(api, repo_id, "secret.txt", "top secret\n")

    info = api.model_info(repo_id)
    assert info.private is True
    assert api.repo_exists(repo_id) is True
    assert api.file_exists(repo_id, "secret.txt") is True

    with pytest.raises(RepositoryNotFoundError):
        other_api.model_info(repo_id)
    assert other_api.repo_exists(repo_id) is False
    assert other_api.file_exists(repo_id, "secret.txt") is False
    with pytest.raises(RepositoryNotFoundError):
        anon_api.model_info(repo_id)
    assert anon_api.repo_exists(repo_id) is False


def test_create_repo_conflict(api, model_repo):
    with pytest.raises(HfHubHTTPError) as excinfo:
        api.create_repo(model_repo)
    assert excinfo.value.response.status_code == 409
    with pytest.raises(HfHubHTTPError) as excinfo:
        api.create_repo(model_repo, private=True)
    assert excinfo.value.response.status_code == 409
    assert api.model_info(model_repo).private is False, "a refused create must not change the repo"


def test_create_repo_exist_ok(api, model_repo, hub):
    commit = upload_text(api, model_repo, "keep.txt", "still here\n")
    # huggingface_hub swallows the 409 and then reads "url" from the 409's JSON body (as huggingface.co sends it)
    url = api.create_repo(model_repo, exist_ok=True)
    assert url.repo_id == model_repo
    assert str(url) == f"{hub.endpoint}/{model_repo}"
    # exist_ok must not reset the repo
    assert api.model_info(model_repo).sha == commit.oid
    assert api.file_exists(model_repo, "keep.txt") is True

    ds_url = api.create_repo(model_repo, repo_type="dataset", exist_ok=True)  # a dataset of the same name is new
    assert ds_url.repo_type == "dataset"
    try:
        url = api.create_repo(model_repo, repo_type="dataset", exist_ok=True)  # and now exists
        assert str(url) == f"{hub.endpoint}/datasets/{model_repo}"
    finally:
        api.delete_repo(model_repo, repo_type="dataset", missing_ok=True)


def test_delete_repo(api, repos, cache_dir, hub):
    repo_id = repos.create()
    upload_text(api, repo_id, "old.txt", "from the first life of this repo\n")

    assert api.delete_repo(repo_id) is None
    assert api.repo_exists(repo_id) is False
    with pytest.raises(RepositoryNotFoundError):
        api.model_info(repo_id)
    with pytest.raises(RepositoryNotFoundError):
        hf_hub_download(repo_id, "old.txt", endpoint=hub.endpoint, token=hub.token, cache_dir=cache_dir)
    with pytest.raises(RepositoryNotFoundError):
        api.delete_repo(repo_id)
    api.delete_repo(repo_id, missing_ok=True)  # must not raise

    # the name is free again, and the new repo does not inherit the old content
    api.create_repo(repo_id)
    assert api.repo_exists(repo_id) is True
    assert api.file_exists(repo_id, "old.txt") is False
    assert "old.txt" not in api.list_repo_files(repo_id)


def test_other_user_cannot_write_or_delete(api, other_api, model_repo):
    head = upload_text(api, model_repo, "owned.txt", "mine\n").oid

    with pytest.raises(HfHubHTTPError) as excinfo:
        upload_text(other_api, model_repo, "intruder.txt", "not yours\n")
    assert excinfo.value.response.status_code == 403

    with pytest.raises(HfHubHTTPError) as excinfo:
        other_api.delete_repo(model_repo)
    assert excinfo.value.response.status_code == 403

    # nor create repos in the main user's namespace
    foreign = f"{model_repo}-by-other"
    with pytest.raises(HfHubHTTPError) as excinfo:
        other_api.create_repo(foreign)
    assert excinfo.value.response.status_code == 403
    assert api.repo_exists(foreign) is False

    assert api.repo_exists(model_repo) is True
    assert api.model_info(model_repo).sha == head
    assert api.file_exists(model_repo, "intruder.txt") is False


def test_move_repo(api, repos, cache_dir, hub):
    src = repos.create()
    commit = upload_text(api, src, "moved.txt", "I moved\n")
    dst = f"{hub.user}/{unique_name('moved')}"
    repos.track(dst)

    api.move_repo(from_id=src, to_id=dst)

    info = api.model_info(dst)
    assert info.id == dst
    assert info.sha == commit.oid
    assert api.repo_exists(dst) is True
    path = hf_hub_download(dst, "moved.txt", endpoint=hub.endpoint, token=hub.token, cache_dir=cache_dir)
    assert read_bytes(path) == b"I moved\n"
    assert [c.commit_id for c in api.list_repo_commits(dst)][0] == commit.oid

    # The old name is either gone or (like huggingface.co) redirects to the new repo - never a separate repo.
    try:
        old = api.model_info(src)
    except RepositoryNotFoundError:
        pass
    else:
        assert old.id == dst, f"old name {src} still serves a repo with id {old.id}"


def test_update_repo_settings_private(api, other_api, anon_api, model_repo, tmp_path, hub):
    upload_text(api, model_repo, "weights.txt", "public for now\n")

    # visible to the other user while public
    assert other_api.model_info(model_repo).private is False
    p = hf_hub_download(
        model_repo, "weights.txt", endpoint=hub.endpoint, token=hub.other_token, cache_dir=tmp_path / "c1"
    )
    assert read_bytes(p) == b"public for now\n"

    assert api.update_repo_settings(model_repo, private=True) is None
    assert api.model_info(model_repo).private is True

    with pytest.raises(RepositoryNotFoundError):
        other_api.model_info(model_repo)
    with pytest.raises(RepositoryNotFoundError):
        hf_hub_download(
            model_repo, "weights.txt", endpoint=hub.endpoint, token=hub.other_token, cache_dir=tmp_path / "c2"
        )
    assert other_api.repo_exists(model_repo) is False
    with pytest.raises(RepositoryNotFoundError):
        anon_api.model_info(model_repo)
    with pytest.raises(RepositoryNotFoundError):
        list(other_api.list_repo_tree(model_repo))
    # the owner still reads it
    p = hf_hub_download(model_repo, "weights.txt", endpoint=hub.endpoint, token=hub.token, cache_dir=tmp_path / "c3")
    assert read_bytes(p) == b"public for now\n"

    # and back to public
    api.update_repo_settings(model_repo, private=False)
    assert other_api.model_info(model_repo).private is False
    assert other_api.repo_exists(model_repo) is True
