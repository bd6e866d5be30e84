"""Weight inspection as huggingface_hub reads it: `model_info(...).safetensors`, and the validation of cards."""

from __future__ import annotations

import json
import struct
import time

import pytest


def safetensors_bytes(tensors: dict[str, tuple[str, list[int]]]) -> bytes:
    """A valid safetensors file: 8-byte little-endian header length, the JSON header, zeroed data."""
    widths = {"F32": 4, "F16": 2, "BF16": 2, "I64": 8, "U8": 1}
    header, offset = {}, 0
    for name, (dtype, shape) in sorted(tensors.items()):
        n = 1
        for d in shape:
            n *= d
        size = n * widths[dtype]
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + size]}
        offset += size
    raw = json.dumps(header).encode()
    return struct.pack("<Q", len(raw)) + raw + bytes(offset)


def wait_for(predicate, timeout=30.0):
    """Inspection runs after the commit lands, in the background; it takes well under a second here."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def test_model_info_reports_safetensors_parameters_by_dtype(api, model_repo):
    api.upload_file(
        path_or_fileobj=safetensors_bytes({"embed": ("F32", [16, 8]), "head": ("BF16", [8, 4]), "step": ("I64", [1])}),
        path_in_repo="model.safetensors",
        repo_id=model_repo,
    )
    info = wait_for(lambda: (i := api.model_info(model_repo)).safetensors and i)
    assert info, "model_info never reported safetensors"
    assert info.safetensors.parameters == {"BF16": 32, "F32": 128, "I64": 1}
    assert info.safetensors.total == 161


def test_sharded_safetensors_are_summed(api, model_repo):
    api.upload_file(path_or_fileobj=safetensors_bytes({"a": ("F16", [10, 10])}),
                    path_in_repo="model-00001-of-00002.safetensors", repo_id=model_repo)
    api.upload_file(path_or_fileobj=safetensors_bytes({"b": ("F16", [5])}),
                    path_in_repo="model-00002-of-00002.safetensors", repo_id=model_repo)
    info = wait_for(lambda: (i := api.model_info(model_repo)).safetensors
                    and i.safetensors.total == 105 and i)
    assert info and info.safetensors.parameters == {"F16": 105}


def test_readme_with_invalid_metadata_is_refused_with_the_key_named(api, model_repo):
    # huggingface_hub asks /api/validate-yaml before committing a README and shows each problem.
    with pytest.raises(ValueError, match="Invalid metadata in README.md") as err:
        api.upload_file(path_or_fileobj=b"---\nlicense: not-a-licence\npipeline_tag: text-magic\n---\n# x\n",
                        path_in_repo="README.md", repo_id=model_repo)
    message = str(err.value)
    assert "license: 'not-a-licence'" in message and "pipeline_tag: 'text-magic'" in message
    assert "README.md" not in api.list_repo_files(model_repo)
