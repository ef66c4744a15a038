"""The side panel: data, input features and training settings.

Each panel shows the scenario in force (``show_scenario``, from the latest snapshot) and sends
what the user changes as typed commands (``commandRequested``) naming only the changed fields.
The panels hold no state beyond their widgets; the session owns the scenario.
"""

from gui.panels.data import DataPanel
from gui.panels.features import FeaturePanel
from gui.panels.training import TrainingPanel
from gui.panels.widgets import name

__all__ = ["DataPanel", "FeaturePanel", "TrainingPanel", "name"]
