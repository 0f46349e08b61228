"""StudyVM: exam preparation for virtualization in the terminal.

The package is organised as a headless core (``packs``, ``study``, ``store``) behind two thin
shells (``cli`` and ``tui``). Importing it has no side effects.
"""

__version__ = "0.1.0"
