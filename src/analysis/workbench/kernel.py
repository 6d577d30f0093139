"""How the suite executes a notebook: papermill with the project's kernel.

The notebooks' metadata name the kernel `python3` ("Python 3 (ipykernel)"): in the project's
virtual environment that is ipykernel's own kernel, started with the environment's Python
(the one JupyterLab and papermill run from), so the notebooks, papermill and `make lab`
use the same interpreter and the same installed package; nothing else is registered.

Kernel traffic is encrypted (CurveZMQ keys provisioned by jupyter_client, when the installed
jupyter_client and pyzmq support it), which also keeps ipykernel's warning "Kernel is running
over TCP without encryption" (logger `IPKernelApp`) out of the run's output.
"""

from __future__ import annotations

import ast
import threading
from pathlib import Path

KERNEL_NAME = "python3"
# the kernel's own start-up and shutdown chatter is not the user's business
KERNEL_ARGS = ["--IPKernelApp.log_level=CRITICAL"]
# what nbclient adds when it starts a kernel itself (no history file written)
HISTORY_ARGS = ["--HistoryManager.hist_file=:memory:"]
# slow imports the suite makes inside functions, not at a notebook's top (scipy.stats: about
# a second, for the profile's intervals): a kernel started ahead imports them too
LAZY_IMPORTS = ("scipy.stats",)


def kernel_config():
    """Traitlets config for the kernel manager: transport encryption 'auto' (the kernelspec
    declares 'curve'); an empty config when jupyter_client or libzmq cannot encrypt."""
    import zmq
    from jupyter_client.manager import KernelManager
    from traitlets.config import Config

    config = Config()
    if KernelManager.class_traits().get("transport_encryption") is not None and zmq.has("curve"):
        config.KernelManager.transport_encryption = "auto"
    return config


def execute(
    notebook: str | Path,
    output: str | Path,
    parameters: dict,
    cwd: str | Path,
    warm: WarmKernel | None = None,
    **kw,
):
    """Execute `notebook` into `output` with `parameters` (papermill; errors as papermill's).

    `warm`: a kernel started beforehand for this notebook (`WarmKernel`), used instead of
    starting one, and shut down afterwards."""
    import papermill as pm

    if warm is not None:
        kw["km"] = warm.manager()
    try:
        return pm.execute_notebook(
            str(notebook),
            str(output),
            parameters=parameters,
            cwd=str(cwd),
            progress_bar=False,
            kernel_name=KERNEL_NAME,
            extra_arguments=KERNEL_ARGS,
            config=kernel_config(),
            **kw,
        )
    finally:
        if warm is not None:
            warm.shutdown()


def notebook_imports(notebook: str | Path) -> list[str]:
    """The modules a notebook's code cells import at their top level (`import a.b`,
    `from a.b import c`: a.b and a.b.c), in order; cells that do not parse are skipped."""
    import nbformat

    modules: list[str] = []
    for cell in nbformat.read(str(notebook), as_version=4).cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:  # IPython magics
            continue
        for node in tree.body:
            if isinstance(node, ast.Import):
                modules += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                modules += [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
    return list(dict.fromkeys(modules))


class WarmKernel:
    """A notebook kernel started in a background thread, which also imports the modules the
    notebook will import (silently: nothing is shown, no execution count is used), so the
    notebook starts at once while the previous step runs.

    The kernel is the one papermill would start (same kernel, arguments, encryption, working
    folder, and the environment of the moment it is created); a failure to start it is left
    to the execution, which then starts its own kernel."""

    def __init__(self, notebook: str | Path, cwd: str | Path):
        self.modules = notebook_imports(notebook) + list(LAZY_IMPORTS)
        self.cwd = str(cwd)
        self.km = None
        self.failed: BaseException | None = None
        self._thread = threading.Thread(target=self._start, name="warm-kernel", daemon=True)
        self._thread.start()

    def _start(self) -> None:
        import asyncio

        try:
            asyncio.run(self._async_start())
        except BaseException as exc:  # left to the execution, which starts its own kernel
            self.failed = exc

    async def _async_start(self) -> None:
        from jupyter_client.manager import AsyncKernelManager

        km = AsyncKernelManager(kernel_name=KERNEL_NAME, config=kernel_config())
        self.km = km
        await km.start_kernel(extra_arguments=KERNEL_ARGS + HISTORY_ARGS, cwd=self.cwd)
        kc = km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=60)
            if self.modules:
                code = (
                    "import importlib as _imp\n"
                    f"for _m in {self.modules!r}:\n"
                    "    try:\n        _imp.import_module(_m)\n"
                    "    except Exception:\n        pass\n"
                    "del _imp, _m\n"
                )
                await kc.execute_interactive(code, silent=True, store_history=False, timeout=120)
        finally:
            kc.stop_channels()

    def manager(self):
        """The started kernel's manager; None (papermill starts a kernel) when it failed."""
        self._thread.join()
        if self.failed is not None or self.km is None or not self.km.has_kernel:
            self.shutdown()
            return None
        return self.km

    def shutdown(self) -> None:
        """Shut the kernel down (waits for the start to finish first)."""
        from jupyter_core.utils import run_sync

        self._thread.join()
        km, self.km = self.km, None
        if km is not None and km.has_kernel:
            run_sync(km.shutdown_kernel)(now=False)
