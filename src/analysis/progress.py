"""Progress bars for steps that may take more than a few seconds, in a terminal or a notebook.

`bar(...)` is a tqdm bar that appears only once the step has taken `delay` seconds (so quick
steps print nothing), as a widget in a Jupyter notebook when ipywidgets is installed and as
text otherwise (stderr). It stays silent in tests (pytest), when ANALYSIS_PROGRESS=0 (set by
`analysis run` for the notebooks it executes: their saved outputs keep no bar), or when the
caller passes `enabled=False`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

ENV = "ANALYSIS_PROGRESS"
DELAY = 2.0  # seconds before a bar appears


def enabled_here() -> bool:
    return os.environ.get(ENV, "1") != "0" and "PYTEST_CURRENT_TEST" not in os.environ


def _in_notebook() -> bool:
    shell = sys.modules.get("IPython")
    try:
        return shell is not None and "IPKernelApp" in shell.get_ipython().config
    except AttributeError:
        return False


def bar(
    iterable: Iterable | None = None,
    *,
    desc: str = "",
    total: float | None = None,
    unit: str = "it",
    enabled: bool = True,
    delay: float = DELAY,
    **kwargs,
):
    """A tqdm bar (see the module docstring); use it like tqdm itself."""
    disable = not (enabled and enabled_here())
    if _in_notebook():
        try:
            import ipywidgets  # noqa: F401
            from tqdm.notebook import tqdm as notebook_tqdm

            return notebook_tqdm(iterable, desc=desc, total=total, unit=unit, disable=disable,
                                 delay=delay, **kwargs)  # fmt: skip
        except ImportError:  # no widgets: text, which a notebook shows as it goes
            pass
    from tqdm import tqdm

    kwargs.setdefault("file", sys.stderr)
    return tqdm(iterable, desc=desc, total=total, unit=unit, disable=disable, delay=delay,
                **kwargs)  # fmt: skip


@contextmanager
def quiet_children() -> Iterator[None]:
    """Processes started meanwhile (notebook kernels of a run) show no bar of their own."""
    saved = os.environ.get(ENV)
    os.environ[ENV] = "0"
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop(ENV, None)
        else:
            os.environ[ENV] = saved
