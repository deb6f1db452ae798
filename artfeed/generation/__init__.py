"""Artwork generation: the interface and the validation of a request (``base``), the
vocabulary every backend speaks (``vocabulary``, ``looks``), the ``generate_artwork``
service, and one module or package per backend (``openai``, ``procedural``)."""
