"""The ``studyvm`` console script.

With arguments it is the command line (:mod:`studyvm.cli`). Without any, it opens the terminal app
on the dashboard straight away, doing what the root command does with no options (settings from
the ``STUDYVM_*`` variables, the log, leftovers of killed installs) but without importing typer and
every command's module first: the first paint comes about 70 ms sooner. Alone, the garbage
collector is paused until the first frame is painted, then what start-up built is frozen out of
its scans (:func:`studyvm.launch.pause_gc`); with arguments, what is loaded to parse them is
frozen (:func:`gc.freeze`).
"""

from __future__ import annotations

import sys


def main() -> None:
    """Console-script entry point."""
    if sys.argv[1:]:
        import gc

        from studyvm.cli import main as command_line

        # typer's and the command line's own objects live as long as the process: frozen, no
        # collection scans them again, nor the one at exit (about 10 ms of a 70 ms `studyvm --help`)
        gc.freeze()
        command_line()
        return
    sys.exit(open_dashboard())


def open_dashboard() -> int:
    """``studyvm`` alone: the app on the dashboard; the exit code, errors reported as the command
    line reports them (``studyvm: error: …``, never a traceback)."""
    from studyvm.launch import pause_gc, resume_gc

    pause_gc()  # until the first paint (the app resumes it): start-up builds no garbage to collect
    try:
        return _open_dashboard()
    finally:
        resume_gc(freeze=False)  # no first paint (an error, or a test's stand-in app): collect again


def _open_dashboard() -> int:
    from studyvm.textsafe import guarded_streams

    with guarded_streams():
        try:
            from studyvm.config import Settings
            from studyvm.launch import prepare, run_app

            settings = Settings.from_env()
            prepare(settings)
            return run_app(settings, screen="dashboard")
        except BaseException as exc:
            if isinstance(exc, SystemExit):
                raise
            from studyvm.cli.boundary import translate  # only now: the error path may load typer

            exit_ = translate(exc)
            if exit_ is None:
                raise
            return exit_.exit_code
