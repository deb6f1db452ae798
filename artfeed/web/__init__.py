"""HTTP infrastructure shared by every app (DESIGN.md, "Layout")."""
