"""Download counts as huggingface_hub sees them: hf_hub_download of config.json counts once per caller per day."""

from __future__ import annotations

from huggingface_hub import hf_hub_download


def test_downloads_counted_once_per_caller(api, other_api, hub, model_repo, cache_dir, tmp_path):
    api.upload_file(path_or_fileobj=b"{}", path_in_repo="config.json", repo_id=model_repo)
    api.upload_file(path_or_fileobj=b"# card", path_in_repo="README.md", repo_id=model_repo)
    assert api.model_info(model_repo).downloads == 0

    hf_hub_download(model_repo, "README.md", token=hub.token, cache_dir=cache_dir)
    assert api.model_info(model_repo).downloads == 0  # the card does not stand for the model

    hf_hub_download(model_repo, "config.json", token=hub.token, cache_dir=cache_dir)
    hf_hub_download(model_repo, "config.json", token=hub.token, cache_dir=tmp_path / "again", force_download=True)
    assert api.model_info(model_repo).downloads == 1

    hf_hub_download(model_repo, "config.json", token=hub.other_token, cache_dir=tmp_path / "other")
    assert api.model_info(model_repo).downloads == 2
    assert [m.downloads for m in api.list_models(author=hub.user, search=model_repo.split("/")[1],
                                                 expand=["downloads"])] == [2]
