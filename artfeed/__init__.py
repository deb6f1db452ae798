"""artfeed: always-on art displays."""
