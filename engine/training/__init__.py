"""The trainer's parts, each a small typed object: the compiled epoch and its sample order
(``epoch``) and the points training goes back to (``rollback``). ``engine.trainer`` puts them
together; the data split lives in ``engine.data.split``.
"""
