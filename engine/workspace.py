"""Workspaces: a whole training run in one JSON file, restored bit for bit.

The usual import path; the code lives in ``engine.io.workspace`` (the file layout, saving and
loading) and ``engine.io.workspace_read`` (every field checked).
"""

from __future__ import annotations

from engine.io.formats import WORKSPACE_FORMAT
from engine.io.workspace import (
    APP_VERSION,
    MAX_WORKSPACE_BYTES,
    SCHEMA_VERSION,
    load_workspace,
    load_workspace_pinned,
    parse_workspace_bytes,
    save_workspace,
    trainer_from_dict,
    workspace_to_dict,
    workspace_to_json,
)
from engine.io.workspace_read import WorkspaceError

__all__ = [
    "APP_VERSION",
    "MAX_WORKSPACE_BYTES",
    "SCHEMA_VERSION",
    "WORKSPACE_FORMAT",
    "WorkspaceError",
    "load_workspace",
    "load_workspace_pinned",
    "parse_workspace_bytes",
    "save_workspace",
    "trainer_from_dict",
    "workspace_to_dict",
    "workspace_to_json",
]
