"""How far a run has got, for whoever watches it: the bench command's progress bar
(`on_progress`, counts as they come) and the Desk user's realtime bar (the running total)."""

from collections.abc import Callable

import frappe


def progress_reporter(
	event: str, store: str, notify_user: str | None, on_progress: Callable[[int], None] | None
) -> Callable[[int], None]:
	done = 0

	def report(count: int) -> None:
		nonlocal done
		done += count
		if on_progress:
			on_progress(count)
		if notify_user:
			frappe.publish_realtime(event, {"store": store, "done": done}, user=notify_user)

	return report
