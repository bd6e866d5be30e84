"""Search and listing through huggingface_hub: ranking, typos, prefixed filters, sorts and privacy.

Every repository of a test carries one random word in its name, so the assertions hold on a hub
shared with other tests (and earlier runs)."""

from __future__ import annotations

import uuid

import httpx


def _card(api, repo_id: str, metadata: str, body: str, repo_type: str | None = None) -> None:
    readme = f"---\n{metadata}---\n{body}\n".encode()
    api.upload_file(path_or_fileobj=readme, path_in_repo="README.md", repo_id=repo_id, repo_type=repo_type)


def _family(api, repos, hub):
    word = "srch" + uuid.uuid4().hex[:10]
    chat = repos.create(prefix=f"{word}-llama-chat")
    gguf = repos.create(prefix=f"{word}-llama-gguf")
    bert = repos.create(prefix=f"{word}-bert-fr")
    secret = repos.create(prefix=f"{word}-llama-secret", private=True)
    _card(api, chat, "license: mit\nlanguage: [en]\npipeline_tag: text-generation\nlibrary_name: transformers\n",
          "A chat model.")
    _card(api, gguf, f"license: mit\nbase_model: {chat}\nbase_model_relation: quantized\nlibrary_name: gguf\n",
          "Quantized for llama.cpp.")
    _card(api, bert, "license: apache-2.0\nlanguage: [fr]\npipeline_tag: fill-mask\n", "Un modèle de langue.")
    _card(api, secret, "license: mit\n", "Secret.")
    return word, chat, gguf, bert, secret


def test_exact_ids_first_then_the_rest_and_typos_tolerated(api, repos, hub):
    word, chat, gguf, bert, secret = _family(api, repos, hub)
    found = [m.id for m in api.list_models(search=chat)]
    assert found[0] == chat

    everything = {m.id for m in api.list_models(search=word)}
    assert everything == {chat, gguf, bert, secret}  # the owner sees the private one

    # One typo in the random word (a substitution), one in "llama": still the two llamas.
    typo = word[:6] + ("0" if word[6] != "0" else "1") + word[7:]
    assert {m.id for m in api.list_models(search=f"{typo} lama")} >= {chat, gguf}
    assert {m.id for m in api.list_models(search=f"{typo} lama")}.isdisjoint({bert})


def test_prefixed_filters_and_task_combine(api, anon_api, repos, hub):
    word, chat, gguf, bert, secret = _family(api, repos, hub)
    assert [m.id for m in anon_api.list_models(search=word, filter=["license:mit", "language:en"])] == [chat]
    assert [m.id for m in anon_api.list_models(filter=f"base_model:quantized:{chat}")] == [gguf]
    assert [m.id for m in anon_api.list_models(search=word, filter="library:gguf")] == [gguf]
    assert [m.id for m in anon_api.list_models(search=word, pipeline_tag="fill-mask")] == [bert]
    assert {m.id for m in anon_api.list_models(search=word, filter="license:mit")} == {chat, gguf}
    api.update_repo_settings(bert, gated="auto")
    assert [m.id for m in anon_api.list_models(search=word, gated=True)] == [bert]
    assert {m.id for m in anon_api.list_models(search=word, gated=False)} == {chat, gguf}


def test_private_repositories_are_not_found_by_others(api, other_api, anon_api, repos, hub):
    word, chat, gguf, bert, secret = _family(api, repos, hub)
    assert secret not in {m.id for m in anon_api.list_models(search=word)}
    assert secret not in {m.id for m in other_api.list_models(search=word)}
    assert secret in {m.id for m in api.list_models(search=word)}
    facets = httpx.get(f"{hub.endpoint}/api/facets/models", params={"search": word}).json()
    assert {f["value"]: f["count"] for f in facets["license"]} == {"mit": 2, "apache-2.0": 1}


def test_sorts_limits_and_expanded_counts(api, repos, hub):
    word, chat, gguf, bert, secret = _family(api, repos, hub)
    r = httpx.post(f"{hub.endpoint}/api/models/{bert}/like", headers={"Authorization": f"Bearer {hub.other_token}"})
    assert r.status_code == 200, r.text

    by_likes = list(api.list_models(search=word, sort="likes", expand=["likes", "downloadsAllTime"]))
    assert by_likes[0].id == bert and by_likes[0].likes == 1
    assert all(m.downloads_all_time == 0 for m in by_likes)
    assert [m.id for m in api.list_models(search=word, sort="likes", limit=2)] == [m.id for m in by_likes[:2]]

    by_id = [m.id for m in api.list_models(search=word, sort="id")]
    assert by_id == sorted(by_id, key=str.lower)


def test_datasets_are_searched_apart_from_models(api, anon_api, repos, hub):
    word = "srch" + uuid.uuid4().hex[:10]
    table = repos.create(repo_type="dataset", prefix=f"{word}-table")
    repos.create(prefix=f"{word}-model")
    _card(api, table, "license: cc-by-4.0\nlanguage: [fr]\n", "A table.", repo_type="dataset")
    assert [d.id for d in anon_api.list_datasets(search=word)] == [table]
    assert [d.id for d in anon_api.list_datasets(search=word, filter="language:fr")] == [table]
    assert list(anon_api.list_datasets(search=word, filter="language:en")) == []
