"""``python -m studyvm`` runs the command line."""

from studyvm.cli import main

main()
