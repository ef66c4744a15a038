"""Sharing a scenario as text: Edit › Copy scenario as text and Paste scenario through the
clipboard (pytest-qt), and ``python main.py share`` / ``--scenario-text`` on the command line."""

from __future__ import annotations

import json

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication

from engine.presets import get_preset
from engine.scenario_text import decode, encode
from session import commands as c
from tests.gui_helpers import TIMEOUT, fresh_snapshot
from tests.helpers import run_cli


def _action(w, name: str) -> QAction:
    act = w.findChild(QAction, name)
    assert act is not None and act in w.editors.menu.actions()
    return act


def test_copy_puts_the_scenario_in_force_on_the_clipboard(qtbot, make_window):
    w = make_window("xor_221")
    w.send(c.edit(c.Section.OPTIMIZER, learning_rate=0.3))  # not yet shown when copied
    QApplication.clipboard().setText("")
    _action(w, "copyScenarioAction").trigger()
    text = QApplication.clipboard().text()
    assert text.startswith("bp1:")
    shared = decode(text)
    assert shared == fresh_snapshot(qtbot, w).scenario
    assert shared.train.optimizer.learning_rate == 0.3
    qtbot.waitUntil(lambda: w.statusBar().currentMessage().startswith(
        f"Copied the scenario as text ({len(text):,} characters"), timeout=TIMEOUT)


def test_paste_loads_the_clipboards_scenario_and_refuses_garbage(qtbot, make_window):
    w = make_window("tf_default")
    wanted = get_preset("softmax_spiral3")
    QApplication.clipboard().setText("  " + encode(wanted) + "\n")
    _action(w, "pasteScenarioAction").trigger()
    qtbot.waitUntil(lambda: w.rendered.scenario == wanted, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: "Pasted the scenario" in w.statusBar().currentMessage(),
                    timeout=TIMEOUT)
    assert w.rendered.epoch == 0 and w.rendered.sizes == (2, 16, 16, 3)

    good = encode(wanted)
    for garbage, words in (("hello", "not a scenario text"), (good[:-12], "cut short"),
                           ("bp1:" + "A" * 40, "damaged")):
        QApplication.clipboard().setText(garbage)
        _action(w, "pasteScenarioAction").trigger()
        message = w.statusBar().currentMessage()
        assert message.startswith("Not pasted: ") and words in message, message
        assert "\n" not in message
    assert fresh_snapshot(qtbot, w).scenario == wanted  # the run stayed


def test_custom_data_too_big_to_share_is_refused_in_the_status_bar(qtbot, make_window):
    w = make_window("iris")  # 150 rows of 4 inputs: 750 numbers, small enough
    _action(w, "copyScenarioAction").trigger()
    assert decode(QApplication.clipboard().text()) == fresh_snapshot(qtbot, w).scenario
    w2 = make_window("tf_default")
    rows = tuple((float(i), float(i % 7)) for i in range(700))
    w2.send(c.ReplaceData(rows, tuple(float(i % 2) for i in range(700)), "classification",
                          ("a", "b"), ("no", "yes")))
    qtbot.waitUntil(lambda: w2.rendered.scenario.data.dataset == "custom", timeout=TIMEOUT)
    QApplication.clipboard().setText("unchanged")
    fresh_snapshot(qtbot, w2)
    _action(w2, "copyScenarioAction").trigger()
    qtbot.waitUntil(lambda: "too big to share as text" in w2.statusBar().currentMessage(),
                    timeout=TIMEOUT)
    assert QApplication.clipboard().text() == "unchanged"


def test_the_command_line_shares_and_trains_a_scenario_text(tmp_path):
    shared = run_cli("share", "xor_221")
    assert shared.returncode == 0, shared.stderr
    text = shared.stdout.strip()
    assert decode(text) == get_preset("xor_221")
    out = tmp_path / "run.json"
    trained = run_cli("train", "--scenario-text", text, "--epochs", "2", "--out", str(out))
    assert trained.returncode == 0, trained.stderr
    assert json.loads(out.read_text())["scenario"]["key"] == "xor_221"
    again = run_cli("share", str(out))
    assert again.returncode == 0 and decode(again.stdout.strip()) == get_preset("xor_221")
    bad = run_cli("train", "--scenario-text", "bp1:nope", "--epochs", "2", "--out", str(out))
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
    assert bad.stderr.startswith("error: the scenario text")
    both = run_cli("train", "xor_221", "--scenario-text", text, "--epochs", "1", "--out",
                   str(out))
    assert both.returncode == 2 and "not both" in both.stderr
    window = run_cli("--scenario-text", "garbage", "--screenshot", str(tmp_path / "s.png"))
    assert window.returncode == 2 and "not a scenario text" in window.stderr
