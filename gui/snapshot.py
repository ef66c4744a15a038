"""Temporary alias while the redesign lands: snapshots live in session.snapshot."""

from session.snapshot import DataView, Snapshot, TraceInfo, build_snapshot, compute_maps, trace_info

__all__ = ["DataView", "Snapshot", "TraceInfo", "build_snapshot", "compute_maps", "trace_info"]
