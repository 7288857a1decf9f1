"""Watching traced wallets: polling their new transfers into the case and raising alerts."""

from tools.watch.models import Alert, AlertKind, PollReport, Watch
from tools.watch.poll import poll_case
from tools.watch.store import WatchStore

__all__ = ["Alert", "AlertKind", "PollReport", "Watch", "WatchStore", "poll_case"]
