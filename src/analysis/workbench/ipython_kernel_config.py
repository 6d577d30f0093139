# IPython kernel settings of the project's virtual environment: `make` copies this file to
# .venv/etc/ipython/, where every kernel started with that environment's Python reads it
# (papermill and nbconvert from the command line, JupyterLab).
#
# ipykernel warns on its logger `IPKernelApp` when a kernel manager did not provision
# CurveZMQ keys: "Kernel is running over TCP without encryption ...". The suite's own runs
# (`analysis run`, the tests) ask jupyter_client for encrypted kernels (analysis.workbench.
# kernel); a kernel on this machine's loopback started by another client only drops that
# one message here. Every other message of the kernel is kept.
import logging


class _NoTcpNotice(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "running over TCP without encryption" not in record.getMessage()


logging.getLogger("IPKernelApp").addFilter(_NoTcpNotice())
