"""Tracing a chosen sample says what it does (issue 12): a preview shows the update and
leaves the weights bit for bit as they were; an applied trace is an extra step."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QCheckBox

from engine.explain import explain_phase
from engine.presets import get_preset
from engine.trainer import Trainer
from session import commands as c
from session.events import Notice
from session.session import Session
from tests.gui_helpers import TIMEOUT, fresh_snapshot


def test_a_preview_leaves_parameters_and_optimiser_state_bit_for_bit_unchanged():
    for preset in ("worked_example", "softmax_spiral3"):  # SGD, and Adam's moving state
        t = Trainer(get_preset(preset))
        t.train_step()
        flat, state, epoch = t.params.flat.copy(), t.optimizer.state(), t.epoch
        stepper = t.begin_step(np.array([1]), preview=True)
        stepper.run_to_end()
        trace = stepper.trace
        assert trace.preview and trace.params_after is not None
        assert any(not np.array_equal(a[0], b[0])
                   for a, b in zip(trace.params_before, trace.params_after, strict=True))
        np.testing.assert_array_equal(t.params.flat, flat)
        after = t.optimizer.state()
        for key in ("velocity", "m", "v", "alive"):
            np.testing.assert_array_equal(after[key], state[key])
        assert after["t"] == state["t"] and t.epoch == epoch
        acts = tuple(layer.activation for layer in t.spec.layers)
        note = explain_phase(trace, stepper.phases[-1], acts, t.spec.use_bias).note
        assert "Preview" in note and "weights stay" in note
        stepper.back()  # undoing a preview's update changes nothing either
        np.testing.assert_array_equal(t.params.flat, flat)


def test_the_same_preview_twice_shows_the_same_numbers_and_applying_moves_the_weights():
    t = Trainer(get_preset("worked_example"))
    first = t.begin_step(np.array([0]), preview=True)
    first.run_to_end()
    t.finish_step()
    second = t.begin_step(np.array([0]), preview=True)
    second.run_to_end()
    t.finish_step()
    for (w1, _), (w2, _) in zip(first.trace.params_after, second.trace.params_after,
                                strict=True):
        np.testing.assert_array_equal(w1, w2)
    before = t.params.flat.copy()
    applied = t.begin_step(np.array([0]))
    applied.run_to_end()
    assert not applied.trace.preview
    assert not np.array_equal(t.params.flat, before)


def test_the_session_previews_a_traced_sample_by_default_and_says_so():
    events: list[object] = []
    s = Session(get_preset("worked_example"), emit=events.append)
    s.handle(c.TraceSample(1))
    assert "Tracing training sample #2. Its step is a preview" in [
        e.text for e in events if isinstance(e, Notice)][-1]
    flat = s.trainer.params.flat.copy()
    s.handle(c.Step(c.StepUnit.PHASE))  # phase by phase through the traced sample's step
    while s.trainer.current_step is not None and not s.trainer.current_step.done:
        s.handle(c.Step(c.StepUnit.PHASE))
    assert s.trainer.current_step.trace.preview
    np.testing.assert_array_equal(s.trainer.params.flat, flat)
    s.handle(c.Step(c.StepUnit.SAMPLE))  # a whole step on the traced sample: a preview too
    np.testing.assert_array_equal(s.trainer.params.flat, flat)
    s.handle(c.SetTracePreview(False))
    assert "Its step is applied" in [e.text for e in events if isinstance(e, Notice)][-1]
    s.handle(c.Step(c.StepUnit.SAMPLE))
    assert not np.array_equal(s.trainer.params.flat, flat)
    assert s.snapshot().trace_preview is False


def test_the_preview_toggle_follows_the_trace_choice(qtbot, make_window):
    w = make_window("worked_example")
    toggle = w.findChild(QCheckBox, "previewTraceToggle")
    assert toggle.isChecked() and not toggle.isEnabled()
    picker = w.inspector.target
    picker.setCurrentIndex(picker.findData(0))
    picker.activated.emit(picker.currentIndex())
    qtbot.waitUntil(lambda: toggle.isEnabled(), timeout=TIMEOUT)
    toggle.click()
    qtbot.waitUntil(lambda: w.rendered is not None and not w.rendered.trace_preview,
                    timeout=TIMEOUT)
    snap = fresh_snapshot(qtbot, w)
    assert snap.traced_sample == 0 and not toggle.isChecked()
