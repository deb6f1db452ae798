"""The display's HTTP side, one module per page or endpoint family."""
