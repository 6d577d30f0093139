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

from pathlib import Path

KERNEL_NAME = "python3"
# the kernel's own start-up and shutdown chatter is not the user's business
KERNEL_ARGS = ["--IPKernelApp.log_level=CRITICAL"]


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


def execute(notebook: str | Path, output: str | Path, parameters: dict, cwd: str | Path, **kw):
    """Execute `notebook` into `output` with `parameters` (papermill; errors as papermill's)."""
    import papermill as pm

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
