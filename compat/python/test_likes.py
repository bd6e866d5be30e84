"""Likes through huggingface_hub: unlike, list_repo_likers, list_liked_repos and the counts in model_info.

huggingface_hub has no `like` call (the Hub takes likes from its web page only), so the like itself
is a plain POST with the visitor's token, as the page sends it.
"""

from __future__ import annotations

import httpx


def _like(hub, repo_id: str, token: str, repo_type: str = "model") -> int:
    r = httpx.post(f"{hub.endpoint}/api/{repo_type}s/{repo_id}/like", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.text
    return r.json()["likes"]


def test_like_list_and_unlike(api, other_api, hub, model_repo):
    assert api.model_info(model_repo).likes == 0
    assert _like(hub, model_repo, hub.other_token) == 1
    assert _like(hub, model_repo, hub.other_token) == 1  # liking twice changes nothing

    info = api.model_info(model_repo)
    assert info.likes == 1
    assert info.trending_score == 10  # a like of the last 7 days weighs 10 downloads
    trending = list(api.list_models(author=hub.user, sort="trending_score", limit=1, expand=["trendingScore"]))
    assert [m.id for m in trending] == [model_repo] and trending[0].trending_score == 10
    likers = list(api.list_repo_likers(model_repo))
    assert [u.username for u in likers] == [hub.other_user]
    assert model_repo in other_api.list_liked_repos().models
    assert model_repo in api.list_liked_repos(hub.other_user).models

    other_api.unlike(model_repo)
    assert api.model_info(model_repo).likes == 0
    assert list(api.list_repo_likers(model_repo)) == []
    assert model_repo not in other_api.list_liked_repos().models


def test_liked_datasets_and_private_repos(api, other_api, hub, repos):
    dataset = repos.create(repo_type="dataset")
    private = repos.create(private=True)
    _like(hub, dataset, hub.token, repo_type="dataset")
    _like(hub, private, hub.token)

    mine = api.list_liked_repos()
    assert dataset in mine.datasets and private in mine.models
    seen_by_other = other_api.list_liked_repos(hub.user)
    assert dataset in seen_by_other.datasets
    assert private not in seen_by_other.models  # a like never reveals a private repository
