"""Fixtures for the Python client-compatibility suite.

The suite drives the real ``huggingface_hub`` and ``datasets`` libraries against a running Arbor hub.
The Java test harness starts the hub and sets:

* ``HF_ENDPOINT``                      base URL of the hub, e.g. ``http://127.0.0.1:PORT``
* ``ARBOR_USER`` / ``ARBOR_TOKEN``      a user and one of its write tokens (``hf_...``)
* ``ARBOR_READ_TOKEN``                 a read-only token of the same user
* ``ARBOR_OTHER_USER`` / ``ARBOR_OTHER_TOKEN``  a second, non-admin user and its write token
* ``HF_HUB_DISABLE_XET=1``, ``HF_HOME`` (a temp dir), ``HF_HUB_DISABLE_TELEMETRY=1``
"""

from __future__ import annotations

import os
import socket
import tempfile
import threading
from dataclasses import dataclass
from urllib.parse import urlparse

import pytest

# --- Environment that must be in place before huggingface_hub / datasets are imported -------------------------------
# huggingface_hub and datasets read these at import time. The harness sets most of them; the defaults below only
# make a manual run behave the same way (never the Xet protocol, never telemetry, never the real hub's caches).
os.environ.setdefault("HF_HUB_DISABLE_XET", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("HF_HUB_DISABLE_IMPLICIT_TOKEN", "1")
os.environ.setdefault("HF_UPDATE_DOWNLOAD_COUNTS", "0")  # datasets: no HEAD to an S3 bucket on every load
if "HF_HOME" not in os.environ:
    os.environ["HF_HOME"] = tempfile.mkdtemp(prefix="arbor-compat-hfhome-")
os.environ.setdefault("HF_DATASETS_CACHE", os.path.join(os.environ["HF_HOME"], "datasets"))
for _var in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE"):
    os.environ.pop(_var, None)  # a stray real-hub token or offline flag must not leak into the suite

_REQUIRED = ("HF_ENDPOINT", "ARBOR_USER", "ARBOR_TOKEN", "ARBOR_READ_TOKEN", "ARBOR_OTHER_USER", "ARBOR_OTHER_TOKEN")
_missing = [v for v in _REQUIRED if not os.environ.get(v)]
if _missing:
    raise pytest.UsageError(
        "compat suite needs a running Arbor hub; missing environment variables: " + ", ".join(_missing)
    )

from huggingface_hub import HfApi  # noqa: E402  (must come after the environment set-up above)
from huggingface_hub import constants as hf_constants  # noqa: E402

from helpers import unique_name  # noqa: E402

if hf_constants.ENDPOINT != os.environ["HF_ENDPOINT"].rstrip("/"):
    raise pytest.UsageError("huggingface_hub was imported before conftest set HF_ENDPOINT")
if not hf_constants.HF_HUB_DISABLE_XET:
    raise pytest.UsageError("HF_HUB_DISABLE_XET must be set: Arbor does not speak the Xet protocol")


@dataclass(frozen=True)
class Hub:
    endpoint: str
    user: str
    token: str
    read_token: str
    other_user: str
    other_token: str


HUB = Hub(
    endpoint=os.environ["HF_ENDPOINT"].rstrip("/"),
    user=os.environ["ARBOR_USER"],
    token=os.environ["ARBOR_TOKEN"],
    read_token=os.environ["ARBOR_READ_TOKEN"],
    other_user=os.environ["ARBOR_OTHER_USER"],
    other_token=os.environ["ARBOR_OTHER_TOKEN"],
)


# --- Network guard: nothing in this suite may talk to anything but the hub under test --------------------------------
_ALLOWED_HOSTS = {urlparse(HUB.endpoint).hostname, "localhost", "127.0.0.1", "::1"}
_blocked_lookups: list[str] = []
_blocked_lock = threading.Lock()
_real_getaddrinfo = socket.getaddrinfo


def _guarded_getaddrinfo(host, *args, **kwargs):
    name = host.decode() if isinstance(host, bytes) else host
    if name is not None and name not in _ALLOWED_HOSTS and not str(name).startswith("127."):
        with _blocked_lock:
            _blocked_lookups.append(str(name))
        raise socket.gaierror(socket.EAI_NONAME, f"compat suite: outside network blocked ({name})")
    return _real_getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = _guarded_getaddrinfo


@pytest.fixture(autouse=True)
def _no_outside_network():
    """Fails any test during which a library tried to resolve a host other than the hub under test."""
    with _blocked_lock:
        _blocked_lookups.clear()
    yield
    with _blocked_lock:
        attempts = list(_blocked_lookups)
    assert not attempts, f"a client tried to reach hosts outside the hub under test: {sorted(set(attempts))}"


# --- Clients -----------------------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def hub() -> Hub:
    return HUB


@pytest.fixture(scope="session")
def api() -> HfApi:
    """The main user's write client."""
    return HfApi(endpoint=HUB.endpoint, token=HUB.token)


@pytest.fixture(scope="session")
def read_api() -> HfApi:
    """The main user's read-only client."""
    return HfApi(endpoint=HUB.endpoint, token=HUB.read_token)


@pytest.fixture(scope="session")
def other_api() -> HfApi:
    """A second, non-admin user's write client."""
    return HfApi(endpoint=HUB.endpoint, token=HUB.other_token)


@pytest.fixture(scope="session")
def anon_api() -> HfApi:
    """No token at all (HF_HUB_DISABLE_IMPLICIT_TOKEN is set and token=False is passed explicitly)."""
    return HfApi(endpoint=HUB.endpoint, token=False)


class RepoFactory:
    """Creates uniquely named repos for one test and deletes every one of them afterwards."""

    def __init__(self, api: HfApi, user: str):
        self._api = api
        self._user = user
        self._created: list[tuple[str, str | None]] = []

    def create(self, repo_type: str | None = None, private: bool = False, prefix: str = "compat") -> str:
        repo_id = f"{self._user}/{unique_name(prefix)}"
        url = self._api.create_repo(repo_id, repo_type=repo_type, private=private)
        self.track(repo_id, repo_type)
        assert url.repo_id == repo_id, f"create_repo returned {url.repo_id!r} for {repo_id!r}"
        return repo_id

    def track(self, repo_id: str, repo_type: str | None = None) -> None:
        """Also delete `repo_id` at teardown (e.g. the target of a move)."""
        self._created.append((repo_id, repo_type))

    def cleanup(self) -> None:
        errors = []
        for repo_id, repo_type in reversed(self._created):
            try:
                self._api.delete_repo(repo_id, repo_type=repo_type, missing_ok=True)
            except Exception as e:  # keep cleaning; report below
                errors.append(f"{repo_id}: {e!r}")
        self._created.clear()
        if errors:
            print("repo cleanup failed for:\n  " + "\n  ".join(errors))


@pytest.fixture
def repos(api, hub):
    factory = RepoFactory(api, hub.user)
    yield factory
    factory.cleanup()


@pytest.fixture
def model_repo(repos) -> str:
    """A fresh public model repo of the main user, deleted after the test."""
    return repos.create()


@pytest.fixture
def dataset_repo(repos) -> str:
    """A fresh public dataset repo of the main user, deleted after the test."""
    return repos.create(repo_type="dataset")


@pytest.fixture
def cache_dir(tmp_path):
    """A private huggingface_hub cache for one test, so downloads never come from another test's cache."""
    d = tmp_path / "hf-cache"
    d.mkdir()
    return d
