"""What changes every frame while training repaints only itself: the epoch counter and the
rate keep their size (no window layout per frame), and a graphics view's update does not
repaint the widgets beneath it."""

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGraphicsView, QHBoxLayout, QWidget

from gui.counter_label import CounterLabel
from tests.gui_helpers import TIMEOUT


class Counter(QObject):
    """Counts events of one type delivered to the watched objects."""

    def __init__(self, kind: QEvent.Type, *watched: QObject) -> None:
        super().__init__()
        self.kind, self.count = kind, 0
        for w in watched:
            w.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == self.kind:
            self.count += 1
        return False


def _shown_label(qtbot, sample: str) -> tuple[QWidget, CounterLabel]:
    parent = QWidget()
    layout = QHBoxLayout(parent)
    label = CounterLabel(sample)
    layout.addWidget(label)
    layout.addStretch(1)
    qtbot.addWidget(parent)
    parent.show()
    qtbot.waitExposed(parent)
    QCoreApplication.sendPostedEvents()  # the layout of the first show, done now
    return parent, label


def test_a_new_number_does_not_lay_the_parent_out_again(qtbot):
    parent, label = _shown_label(qtbot, "Epoch 000,000")
    requests = Counter(QEvent.Type.LayoutRequest, parent)
    for epoch in range(0, 200_000, 997):
        label.setText(f"Epoch {epoch:,}")
        assert label.width() >= label.fontMetrics().horizontalAdvance(label.text())
    QCoreApplication.sendPostedEvents()  # any layout request the texts posted arrives now
    assert requests.count == 0


def test_a_longer_text_grows_the_label_and_a_font_change_measures_again(qtbot):
    _parent, label = _shown_label(qtbot, "Epoch 0")
    narrow = label.width()
    label.setText("Epoch 123,456,789")
    qtbot.waitUntil(lambda: label.width() > narrow)
    assert label.width() >= label.fontMetrics().horizontalAdvance(label.text())
    before = label.width()
    big = QFont(label.font())
    big.setPointSizeF(big.pointSizeF() * 2)
    label.setFont(big)
    qtbot.waitUntil(lambda: label.width() > 1.5 * before)
    assert label.height() >= label.fontMetrics().height()


def test_a_rate_label_shows_one_reading_per_interval_at_most(qtbot):
    """35 readings a second cannot be read (nor announced; the window shows one per half
    second): the newest one held back is shown when its interval is up, and an empty text
    (the run stopped) at once."""
    parent = QWidget()
    qtbot.addWidget(parent)
    label = CounterLabel("00,000 epochs/s", parent, min_interval=1.5)  # (no busy machine
    # stalls 1.5 s between two statements)
    label.setText("1,000 epochs/s")
    assert label.text() == "1,000 epochs/s"  # the first reading at once
    for rate in (1_100, 1_200, 1_300):
        label.setText(f"{rate:,} epochs/s")
    assert label.text() == "1,000 epochs/s"
    qtbot.waitUntil(lambda: label.text() == "1,300 epochs/s", timeout=TIMEOUT)
    label.setText("1,400 epochs/s")
    label.setText("")
    assert label.text() == ""
    assert not label._later.isActive()


def test_a_new_frame_of_the_diagram_does_not_repaint_the_widgets_beneath(qtbot, make_window):
    w = make_window()
    w.show()
    qtbot.waitExposed(w)
    canvas = w.network_view.findChild(QGraphicsView, "networkCanvas")
    beneath = Counter(QEvent.Type.Paint, w.network_view)
    drawn = Counter(QEvent.Type.Paint, canvas.viewport())

    def repaints_beneath(frames: int) -> int:
        beneath.count = 0
        for _ in range(frames):
            shown, painted = w.frames_rendered, drawn.count
            w.step_button.click()  # one epoch: a new snapshot, a new frame of the diagram
            qtbot.waitUntil(lambda s=shown, p=painted: w.frames_rendered > s and drawn.count > p,
                            timeout=TIMEOUT)
        return beneath.count

    assert repaints_beneath(3) == 0
    for widget in (canvas, canvas.viewport()):  # the control: as before paint_opaque
        widget.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, False)
    assert repaints_beneath(3) > 0
