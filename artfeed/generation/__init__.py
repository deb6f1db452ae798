"""Artwork generation: generator backends behind one small interface (see ``base``)."""
