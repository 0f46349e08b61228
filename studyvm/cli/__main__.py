"""``python -m studyvm.cli`` runs the command line."""

from studyvm.cli import main

main()
