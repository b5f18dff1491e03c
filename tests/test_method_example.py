"""The worked example of docs/method.md: keyrisk's figures equal the ones written in the doc."""

from __future__ import annotations

import importlib.util

from tests.conftest import ROOT


def test_method_example_matches_the_doc() -> None:
    path = ROOT / "docs" / "method_example.py"
    spec = importlib.util.spec_from_file_location("method_example", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.check_example()
