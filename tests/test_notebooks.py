"""The notebooks: committed clean, and they run top to bottom on the bundled sample.

The notebooks run in a real kernel (nbclient + ipykernel). To make sure the kernel is the
interpreter running the tests (and not whatever ``python3`` kernel a user installed globally),
each test writes a ``python3`` kernelspec pointing at ``sys.executable`` into a temporary folder
and puts that folder first on ``JUPYTER_PATH``. Matplotlib in the kernel uses the inline
backend, which renders PNG images without any display.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
NAMES = ["01_quickstart.ipynb", "02_whatif.ipynb"]


def _outputs_text(nb: Any) -> str:
    """Return every text output of a notebook (streams, text/plain and text/html), joined."""
    parts: list[str] = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                parts.append(out.get("text", ""))
            data = out.get("data", {})
            for mime in ("text/plain", "text/html"):
                value = data.get(mime, "")
                parts.append(value if isinstance(value, str) else "".join(value))
    return "\n".join(parts)


def _execute(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Execute one notebook in a fresh python3 kernel running ``sys.executable``."""
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    monkeypatch.setenv("MPLCONFIGDIR", str(tmp_path / "mpl"))
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    spec_dir = tmp_path / "jupyter" / "kernels" / "python3"
    spec_dir.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (keyrisk tests)",
        "language": "python",
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    km = client.create_kernel_manager()
    # The kernel runs the interpreter of the tests, with keyrisk from this tree.
    assert km.kernel_spec is not None
    assert km.kernel_spec.argv[0] == sys.executable
    client.execute()
    return nb


def _check_clean_run(nb: Any) -> None:
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        assert cell.execution_count is not None, cell.source
        for out in cell.outputs:
            assert out.output_type != "error", cell.source
            # A warning (DeprecationWarning, FutureWarning...) prints on stderr.
            if out.output_type == "stream":
                assert out.name == "stdout", f"{cell.source}\n{out.text}"


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_committed_clean(name: str) -> None:
    nb = json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    assert nb["nbformat"] == 4
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code
    for cell in code:
        assert cell["outputs"] == []
        assert cell["execution_count"] is None


@pytest.mark.slow
def test_quickstart_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nb = _execute("01_quickstart.ipynb", tmp_path, monkeypatch)
    _check_clean_run(nb)
    text = _outputs_text(nb)
    # The ingestion report of the sample (docs/samples.md: the planted dirt).
    assert "Rows read: 17718, used: 17709, skipped: 5, rejected: 4 (balanced: True)" in text
    assert "impossible-date" in text
    assert "DUPONT Marie" in text
    # The analysis, its riskiest account and the portfolio figures.
    assert 'class="keyrisk-analysis"' in text
    assert "Aciéries du Rhône" in text
    assert "Revenue bus factor: 2 (exact): Marie Dupont, Jean Lefèvre" in text
    assert "of revenue depends on Marie Dupont and Jean Lefèvre" in text
    # The chart is rendered as an image.
    images = [
        out
        for cell in nb.cells
        for out in cell.get("outputs", [])
        if "image/png" in out.get("data", {})
    ]
    assert len(images) == 1


@pytest.mark.slow
def test_whatif_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nb = _execute("02_whatif.ipynb", tmp_path, monkeypatch)
    _check_clean_run(nb)
    text = _outputs_text(nb)
    # Marie Dupont holds 4 091 890,36 EUR alone (docs/samples.md), 35.5% of revenue.
    assert "If Marie Dupont leaves, 35.5% of revenue has nobody left to hold it." in text
    assert "Revenue bus factor: 2 (exact)" in text
    assert "Together: 6,071,534.31 at risk (52.7%)" in text
    # The salesperson loop: every active salesperson, not the departed one.
    for name in ("Sophie Bernard", "Nicolas Roux", "Thomas Girard", "Léa Fontaine"):
        assert name in text
    # The sensitivity table: both parameters, every value.
    assert "holder_ratio" in text
    assert "half_life_days" in text
