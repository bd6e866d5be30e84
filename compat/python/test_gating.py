"""Gated repositories through huggingface_hub: the owner's access-request calls, and what a visitor sees."""

from __future__ import annotations

import httpx
import pytest
from huggingface_hub import hf_hub_download
from huggingface_hub.errors import GatedRepoError


def test_manual_gating_round_trip(api, other_api, hub, model_repo, cache_dir):
    api.upload_file(path_or_fileobj=b'{"hidden": true}', path_in_repo="config.json", repo_id=model_repo)
    api.update_repo_settings(model_repo, gated="manual")
    other = hub.other_token

    # metadata stays visible, content is gated
    assert other_api.model_info(model_repo).gated == "manual"
    assert other_api.repo_exists(model_repo) is True
    with pytest.raises(GatedRepoError):
        hf_hub_download(model_repo, "config.json", token=other, cache_dir=cache_dir)
    with pytest.raises(GatedRepoError):
        other_api.auth_check(model_repo)

    # the visitor asks (a web form on the Hub; no client call), the owner accepts
    r = httpx.post(f"{hub.endpoint}/{model_repo}/ask-access", data={"Company": "Acme"},
                   headers={"Authorization": f"Bearer {other}"})
    assert r.status_code == 200 and r.json()["status"] == "pending"
    pending = list(api.list_pending_access_requests(model_repo))
    assert [p.username for p in pending] == [hub.other_user]
    assert pending[0].fields == {"Company": "Acme"}
    api.accept_access_request(model_repo, hub.other_user)
    assert [a.username for a in api.list_accepted_access_requests(model_repo)] == [hub.other_user]
    path = hf_hub_download(model_repo, "config.json", token=other, cache_dir=cache_dir)
    assert open(path, "rb").read() == b'{"hidden": true}'
    other_api.auth_check(model_repo)

    # rejected, then granted again by hand
    api.reject_access_request(model_repo, hub.other_user, rejection_reason="not this time")
    assert [r.username for r in api.list_rejected_access_requests(model_repo)] == [hub.other_user]
    with pytest.raises(GatedRepoError):
        other_api.auth_check(model_repo)
    api.grant_access(model_repo, hub.other_user)
    other_api.auth_check(model_repo)
