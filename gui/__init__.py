"""Backprop Playground's window: PySide6 widgets that render engine snapshots and send
commands to the training worker. No numerical work happens here."""
