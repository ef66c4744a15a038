"""The diagram by keyboard alone (issue 15): the canvas takes Tab focus; the arrow keys move a
cursor layer by layer (Left/Right: units of a column, then the edges to the next column, then
its units) and unit by unit (Up/Down); Enter edits the weight or bias under the cursor, Space
selects it for the chain rule, as a click does. The cursor shows as the hover halo and its
tooltip, and the canvas's accessible name and description carry that text for a screen reader.

The window's single-key shortcuts (arrows step, Space runs) give way while the canvas has the
focus: it takes those keys through Qt's ShortcutOverride.
"""

from __future__ import annotations

from typing import Any, Protocol

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QRectF, Qt, SignalInstance
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import QWidget

from gui.theme import current


class NetworkView(Protocol):
    """What the keys need of the diagram (``gui.network.view.NetworkView``)."""

    weightSelected: SignalInstance
    unitSelected: SignalInstance

    def snapshot(self) -> Any: ...
    def show_item(self, target: tuple | None) -> str: ...
    def begin_edit_weight(self, layer: int, i: int, j: int) -> None: ...
    def begin_edit_bias(self, layer: int, j: int) -> None: ...

Cursor = tuple  # ("unit", column, j) or ("edge", layer, i, j), as NetworkView.hovered()

KEYS = {Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Home,
        Qt.Key.Key_End, Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space}
"""The keys the diagram takes from the window's shortcuts while it has the focus."""
class RingedCanvas(pg.GraphicsView):
    """The diagram's graphics view. Its focus ring is a 2-px border (``focus_style``), so the
    scene is sized to the area inside the border: pyqtgraph sizes it to the whole widget, which
    hid the scene's last 4 px on the right and at the bottom (the output column's caption was
    cut at 1024 px)."""

    def resizeEvent(self, ev: QResizeEvent | None) -> None:
        if self.closed:
            return
        if self.autoPixelRange:
            inside = self.viewport().size()
            self.range = QRectF(0, 0, inside.width(), inside.height())
        pg.GraphicsView.setRange(self, self.range, padding=0, disableAutoPixel=False)
        self.updateMatrix()


def focus_style() -> str:
    """A 2-px focus ring in the theme's focus colour (≥ 3:1, tests/test_themes.py), none
    without focus."""
    return ("QGraphicsView { border: 2px solid transparent; }"
            f"QGraphicsView:focus {{ border: 2px solid {current().hex('focus')}; }}")


def step(sizes: tuple[int, ...], cursor: Cursor | None, key: Qt.Key) -> Cursor:
    """Where ``key`` moves the cursor in a network of ``sizes`` (units per column, inputs
    first). Left/Right walk the lanes: column 0's units, weight layer 0's edges, column 1's
    units, …; from a unit to the edges leaving (Right) or entering (Left) it, from an edge to
    the unit it leaves (Left) or enters (Right). Up/Down move within a lane; Home/End go to its
    first and last item. Indices stay in range."""
    if cursor is None:
        return ("unit", 0, 0)
    last_column = len(sizes) - 1
    if cursor[0] == "unit":
        _, c, j = cursor
        n = sizes[c]
        if key == Qt.Key.Key_Up:
            return ("unit", c, max(0, j - 1))
        if key == Qt.Key.Key_Down:
            return ("unit", c, min(n - 1, j + 1))
        if key == Qt.Key.Key_Home:
            return ("unit", c, 0)
        if key == Qt.Key.Key_End:
            return ("unit", c, n - 1)
        if key == Qt.Key.Key_Right and c < last_column:
            return ("edge", c, j, 0)  # the first edge leaving unit j
        if key == Qt.Key.Key_Left and c > 0:
            return ("edge", c - 1, 0, j)  # the first edge entering unit j
        return cursor
    _, layer, i, j = cursor
    n_in, n_out = sizes[layer], sizes[layer + 1]
    flat = i * n_out + j
    if key in (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Home, Qt.Key.Key_End):
        flat = {Qt.Key.Key_Up: max(0, flat - 1), Qt.Key.Key_Down: min(n_in * n_out - 1, flat + 1),
                Qt.Key.Key_Home: 0, Qt.Key.Key_End: n_in * n_out - 1}[key]
        return ("edge", layer, *divmod(flat, n_out))
    if key == Qt.Key.Key_Right:
        return ("unit", layer + 1, j)
    if key == Qt.Key.Key_Left:
        return ("unit", layer, i)
    return cursor


class DiagramKeys(QObject):
    """Installed on the diagram's canvas: the keyboard cursor and its actions."""

    def __init__(self, view: NetworkView, canvas: QWidget) -> None:
        super().__init__(canvas)
        self._view = view
        self._canvas = canvas
        self.cursor: Cursor | None = None
        canvas.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        canvas.setStyleSheet(focus_style())
        canvas.setAccessibleDescription(
            "Arrow keys move between units and weights, layer by layer; Enter edits, Space "
            "shows the chain rule")
        canvas.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            if event.key() in KEYS and event.modifiers() == Qt.KeyboardModifier.NoModifier:
                event.accept()  # the key reaches the canvas, not the window's shortcut
                return True
        elif kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            return self._key(event)
        elif kind == QEvent.Type.FocusIn:
            self.move_to(self.cursor if self._valid(self.cursor) else ("unit", 0, 0))
        elif kind == QEvent.Type.FocusOut:
            self._view.show_item(None)
        return False

    def _valid(self, cursor: Cursor | None) -> bool:
        snap = self._view.snapshot()
        if cursor is None or snap is None:
            return False
        sizes = tuple(snap.sizes)
        if cursor[0] == "unit":
            return 0 <= cursor[1] < len(sizes) and 0 <= cursor[2] < sizes[cursor[1]]
        layer = cursor[1]
        return (0 <= layer < len(sizes) - 1 and 0 <= cursor[2] < sizes[layer]
                and 0 <= cursor[3] < sizes[layer + 1])

    def move_to(self, cursor: Cursor) -> None:
        """Put the cursor on ``cursor`` and show it (halo, tooltip, accessible text)."""
        if self._view.snapshot() is None:
            return
        self.cursor = cursor
        text = self._view.show_item(cursor)
        first = text.splitlines()[0] if text else ""
        self._canvas.setAccessibleName(f"Network diagram: {first}" if first else
                                       "Network diagram")
        self._canvas.setAccessibleDescription(text)

    def _key(self, event: QKeyEvent) -> bool:
        snap = self._view.snapshot()
        key = Qt.Key(event.key())
        if snap is None or key not in KEYS or event.modifiers() != Qt.KeyboardModifier.NoModifier:
            return False
        cursor = self.cursor if self._valid(self.cursor) else None
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            if cursor is not None:
                self._act(cursor, edit=key != Qt.Key.Key_Space)
            return True
        self.move_to(step(tuple(snap.sizes), cursor, key))
        return True

    def _act(self, cursor: Cursor, edit: bool) -> None:
        view, snap = self._view, self._view.snapshot()
        assert snap is not None
        if cursor[0] == "edge":
            _, layer, i, j = cursor
            if edit:
                view.begin_edit_weight(layer, i, j)
            else:
                view.weightSelected.emit(layer, i, j)
        elif edit:
            if cursor[1] >= 1 and snap.use_bias:
                view.begin_edit_bias(cursor[1] - 1, cursor[2])
        else:
            view.unitSelected.emit(cursor[1], cursor[2])
