"""Question packs: the model, a position-aware loader and validator, table generation,
importers and exporters. Never imports textual."""
