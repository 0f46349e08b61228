"""The terminal app (Textual): a thin shell over the study engine, the packs and the simulator.

Importing this package costs nothing; :func:`studyvm.tui.app.make_app` builds the app.
"""
