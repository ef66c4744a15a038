"""Data for the playground: the ``Dataset`` type and user data (``dataset``), the built-in toy
sets (``generators``) and the train/test split in the trainer's layout (``split``).

``engine.datasets`` re-exports the names most callers want from one place.
"""
