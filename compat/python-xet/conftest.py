"""The Python client with hf_xet on, as a fresh `pip install huggingface_hub` uses it (no HF_HUB_DISABLE_XET).

The Java harness starts a hub with Xet enabled and sets HF_ENDPOINT, ARBOR_USER, ARBOR_TOKEN and HF_HOME.
"""

from __future__ import annotations

import os

os.environ.pop("HF_HUB_DISABLE_XET", None)   # the point of this suite
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
for _var in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_HUB_OFFLINE"):
    os.environ.pop(_var, None)
