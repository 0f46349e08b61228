"""Where StudyVM's log goes: one logger per module (``logging.getLogger(__name__)``), one file.

Nothing is logged anywhere until :func:`configure` runs (the CLI calls it once per command): a
library user of :mod:`studyvm` or :mod:`minisim` keeps full control of logging. By default,
warnings and errors are appended to ``studyvm.log`` in the home folder, if that folder exists
(the log never creates it); ``--log-file PATH`` (or ``STUDYVM_LOG_FILE``) writes every record
from DEBUG up to ``PATH`` instead.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

LOG_NAME = "studyvm.log"
"""The log's file name in the home folder."""
ENV_LOG_FILE = "STUDYVM_LOG_FILE"
"""Environment variable naming a debug log file (as ``--log-file``)."""
LOGGERS = ("studyvm", "minisim")
"""The package loggers that :func:`configure` sends to the file."""
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_handler: logging.Handler | None = None


def default_log_file(home: Path) -> Path:
    """Where warnings and errors go when no ``--log-file`` is given."""
    return home / LOG_NAME


def configure(home: Path, log_file: Path | None = None) -> Path | None:
    """Send the package loggers to ``log_file`` (DEBUG and up) or to the home's log (WARNING and up).

    Returns the file written to, or ``None`` when nothing is logged (no ``log_file`` and no home
    folder yet). Calling it again replaces the previous handler.
    """
    global _handler
    env_file = os.environ.get(ENV_LOG_FILE)
    target = log_file or (Path(env_file) if env_file else None)
    level = logging.DEBUG if target is not None else logging.WARNING
    if target is None:
        target = default_log_file(home)
        if not home.is_dir():
            target = None
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if _handler is not None:
            logger.removeHandler(_handler)
        logger.setLevel(level)
    if _handler is not None:
        _handler.close()
        _handler = None
    if target is None:
        return None
    handler = logging.FileHandler(target, encoding="utf-8", delay=True)  # the file appears on the first record
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.setLevel(level)
    for name in LOGGERS:
        logging.getLogger(name).addHandler(handler)
    _handler = handler
    return target
