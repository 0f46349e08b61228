"""Widgets of the terminal app; they get plain data and never call the database or the simulator."""
