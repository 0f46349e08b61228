"""``python -m studyvm`` runs the command line."""

from studyvm.console import main

main()
