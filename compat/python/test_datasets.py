"""`datasets.load_dataset(repo_id)` against dataset repos holding CSV, JSON Lines and Parquet files."""

from __future__ import annotations

import io
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from huggingface_hub import CommitOperationAdd

import datasets

CSV = b"id,name,score\n1,alice,0.5\n2,bob,1.25\n3,carol,-3.0\n"
JSONL_ROWS = [
    {"text": "the first line", "label": 0, "tags": ["a"]},
    {"text": "zweite Zeile \u00fc", "label": 1, "tags": ["b", "c"]},
    {"text": "third", "label": 1, "tags": []},
    {"text": "fourth and last", "label": 0, "tags": ["d"]},
]
N_TRAIN = 200_000  # ~1.6 MB of parquet: goes through LFS and HfFileSystem range reads
N_TEST = 7


@pytest.fixture
def load(tmp_path, hub, monkeypatch):
    """load_dataset with a private datasets cache, the test user's token and no call to the public dataset viewer
    (datasets would otherwise ask https://datasets-server.<HF_ENDPOINT host> for exported infos)."""
    monkeypatch.setattr(datasets.config, "USE_PARQUET_EXPORT", False)
    assert str(datasets.config.HF_ENDPOINT).rstrip("/") == hub.endpoint, "datasets must talk to the hub under test"

    def _load(repo_id, **kwargs):
        return datasets.load_dataset(repo_id, cache_dir=str(tmp_path / "datasets-cache"), token=hub.token, **kwargs)

    return _load


def _commit(api, repo_id, files: dict[str, bytes], message="add data"):
    return api.create_commit(
        repo_id,
        repo_type="dataset",
        operations=[CommitOperationAdd(path, data) for path, data in files.items()],
        commit_message=message,
    )


def test_load_dataset_csv(api, dataset_repo, load):
    _commit(api, dataset_repo, {"data.csv": CSV, "extra/more.csv": b"id,name,score\n10,zed,9.5\n"})
    ds = load(dataset_repo, data_files="data.csv")
    assert list(ds.keys()) == ["train"]
    train = ds["train"]
    assert train.num_rows == 3
    assert train.column_names == ["id", "name", "score"]
    assert list(train["id"]) == [1, 2, 3]
    assert list(train["name"]) == ["alice", "bob", "carol"]
    assert list(train["score"]) == [0.5, 1.25, -3.0]

    extra = load(dataset_repo, data_files={"validation": "extra/more.csv"}, split="validation")
    assert extra.num_rows == 1
    assert extra[0] == {"id": 10, "name": "zed", "score": 9.5}


def test_load_dataset_csv_repo_id_only(api, dataset_repo, load):
    _commit(api, dataset_repo, {"data.csv": CSV})
    ds = load(dataset_repo)
    assert list(ds.keys()) == ["train"]
    assert ds["train"].num_rows == 3
    assert list(ds["train"]["name"]) == ["alice", "bob", "carol"]
    assert ds["train"][2] == {"id": 3, "name": "carol", "score": -3.0}


def test_load_dataset_jsonl(api, dataset_repo, load):
    body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in JSONL_ROWS).encode()
    _commit(api, dataset_repo, {"data/train.jsonl": body})
    ds = load(dataset_repo)
    assert list(ds.keys()) == ["train"]
    train = ds["train"]
    assert train.num_rows == len(JSONL_ROWS)
    assert list(train["text"]) == [r["text"] for r in JSONL_ROWS]
    assert list(train["label"]) == [0, 1, 1, 0]
    assert list(train["tags"]) == [r["tags"] for r in JSONL_ROWS]


def _parquet_bytes(table: pa.Table) -> bytes:
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


def test_load_dataset_parquet_splits(api, dataset_repo, load):
    train = pa.table(
        {
            "idx": pa.array(range(N_TRAIN), type=pa.int64()),
            "value": pa.array([(i * 2654435761) % 1000003 for i in range(N_TRAIN)], type=pa.int64()),
        }
    )
    test = pa.table({"idx": pa.array(range(N_TEST), type=pa.int64()), "value": pa.array([-i for i in range(N_TEST)])})
    train_bytes = _parquet_bytes(train)
    assert len(train_bytes) > 1_000_000  # large enough to be an LFS file
    commit = _commit(
        api,
        dataset_repo,
        {
            "data/train-00000-of-00001.parquet": train_bytes,
            "data/test-00000-of-00001.parquet": _parquet_bytes(test),
        },
    )
    [info] = api.get_paths_info(dataset_repo, ["data/train-00000-of-00001.parquet"], repo_type="dataset")
    assert info.lfs is not None

    ds = load(dataset_repo)
    assert sorted(ds.keys()) == ["test", "train"]
    assert ds["train"].num_rows == N_TRAIN
    assert ds["test"].num_rows == N_TEST
    assert list(ds["test"]["value"]) == [0, -1, -2, -3, -4, -5, -6]
    assert ds["train"][12345] == {"idx": 12345, "value": (12345 * 2654435761) % 1000003}
    assert sum(ds["train"]["idx"]) == N_TRAIN * (N_TRAIN - 1) // 2

    # pinned to the commit, one split only
    only_test = load(dataset_repo, split="test", revision=commit.oid)
    assert only_test.num_rows == N_TEST

    # streaming reads the parquet files over HTTP range requests instead of downloading them
    streamed = load(dataset_repo, split="train", streaming=True)
    first = list(streamed.take(3))
    assert first == [{"idx": i, "value": (i * 2654435761) % 1000003} for i in range(3)]


def test_load_dataset_private_repo(api, repos, load, hub, tmp_path):
    repo_id = repos.create(repo_type="dataset", private=True)
    _commit(api, repo_id, {"data.csv": CSV})
    ds = load(repo_id, split="train")
    assert list(ds["name"]) == ["alice", "bob", "carol"]

    from datasets.exceptions import DatasetNotFoundError

    with pytest.raises(DatasetNotFoundError):
        datasets.load_dataset(repo_id, cache_dir=str(tmp_path / "other-cache"), token=hub.other_token)
