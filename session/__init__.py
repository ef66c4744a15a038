"""The session layer (Qt-free): one owner for one run and everything a user does to it.

Controls send typed commands (``session.commands``); the ``Session`` applies them to its
trainer, keeps the undo history, the step mode, the traced sample and the current file, and
publishes immutable snapshots that the views render. The Qt worker only paces it in a thread.
"""
