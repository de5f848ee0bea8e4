"""The current site served the way production serves it, for tests and benchmarks that must cross
the whole HTTP stack: gunicorn running frappe.app:application with the options of Frappe's
production config, and RQ workers taking the site's background jobs."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import frappe
import requests

READY_TIMEOUT = 60


@contextlib.contextmanager
def serve_site(workers: int = 2, statics: bool = False) -> Iterator[str]:
	"""Gunicorn on a free loopback port; yields its base URL. Send `Host: <site>` (see site_headers).
	`statics`: also serve /assets and /files, which nginx serves in production (for a browser)."""
	port = _free_port()
	command = [
		str(_bin("gunicorn")),
		"--bind",
		f"127.0.0.1:{port}",
		"--workers",
		str(workers),
		"--timeout",
		"120",
		"--graceful-timeout",
		"30",
		"--preload",
		"frappe.app:application_with_statics()" if statics else "frappe.app:application",
	]
	with _process(command) as process:
		url = f"http://127.0.0.1:{port}"
		_wait_until_ready(url, process)
		yield url


class Workers:
	"""The running `bench worker` processes: find the one running a job, kill it as a machine dies
	(SIGKILL to the worker and its work-horse at once), start a replacement."""

	def __init__(self, stack: contextlib.ExitStack, queues: str):
		self._stack = stack
		self._command = [
			sys.executable,
			"-m",
			"frappe.utils.bench_helper",
			"frappe",
			"worker",
			"--queue",
			queues,
		]
		self.processes: list[subprocess.Popen] = []

	def start(self) -> subprocess.Popen:
		process = self._stack.enter_context(_process(self._command))
		self.processes.append(process)
		return process

	def running(self, job_id: str) -> subprocess.Popen | None:
		"""The worker whose work-horse runs the job of this id (as given to frappe.enqueue), if any."""
		from frappe.utils.background_jobs import create_job_id, get_redis_conn
		from rq import Worker

		wanted = create_job_id(job_id)
		pids = {w.pid for w in Worker.all(connection=get_redis_conn()) if w.get_current_job_id() == wanted}
		return next((p for p in self.processes if p.pid in pids and p.poll() is None), None)

	def kill(self, process: subprocess.Popen) -> None:
		"""SIGKILL the worker and the work-horse running its job: no clean-up, no job marked failed,
		as when its machine loses power. RQ forks the horse into a session of its own, so killing the
		worker's group alone would leave the horse running the job: the worker is stopped first (it
		forks no new horse), then its children's groups and its own are killed."""
		os.kill(process.pid, signal.SIGSTOP)
		for child in _children(process.pid):
			with contextlib.suppress(ProcessLookupError):
				os.killpg(child, signal.SIGKILL)
		os.killpg(process.pid, signal.SIGKILL)
		process.wait()


@contextlib.contextmanager
def run_workers(count: int = 1, queues: str = "short,default") -> Iterator[Workers]:
	"""`bench worker` processes for the given queues, stopped on exit."""
	with contextlib.ExitStack() as stack:
		workers = Workers(stack, queues)
		for _ in range(count):
			workers.start()
		yield workers


@contextlib.contextmanager
def queued_jobs_set_aside(queues: tuple[str, ...] = ("short", "default", "long")) -> Iterator[int]:
	"""Jobs already waiting in the site's queues are taken out while the block runs and put back in
	front, in their order, afterwards; yields how many. A test site's queues hold jobs left by
	earlier test runs (for stores whose fake store is gone: thousands of them on the long queue),
	which the workers started here would otherwise run before this run's jobs."""
	from frappe.utils.background_jobs import get_queue

	held: dict[str, list[bytes]] = {}
	connection = None
	for name in queues:
		queue = get_queue(name)
		connection = queue.connection
		with connection.pipeline() as pipe:  # MULTI: nothing is queued between the read and the delete
			pipe.lrange(queue.key, 0, -1)
			pipe.delete(queue.key)
			held[queue.key] = pipe.execute()[0]
	try:
		yield sum(len(ids) for ids in held.values())
	finally:
		for key, ids in held.items():
			if ids:
				connection.lpush(key, *reversed(ids))


def site_headers() -> dict[str, str]:
	"""Frappe picks the site from the Host header, as behind nginx."""
	return {"Host": frappe.local.site}


@contextlib.contextmanager
def _process(command: list[str]) -> Iterator[subprocess.Popen]:
	"""Output goes to a temporary file: a pipe nobody reads would stall a chatty worker."""
	sites_path = os.path.abspath(frappe.local.sites_path)
	with tempfile.TemporaryFile() as output:
		process = subprocess.Popen(
			command, cwd=sites_path, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
		)
		process.output = output
		try:
			yield process
		finally:
			process.terminate()
			try:
				process.wait(timeout=30)
			except subprocess.TimeoutExpired:
				process.kill()
				process.wait()


def _wait_until_ready(url: str, process: subprocess.Popen) -> None:
	deadline = time.monotonic() + READY_TIMEOUT
	while time.monotonic() < deadline:
		if process.poll() is not None:
			process.output.seek(0)
			tail = process.output.read().decode(errors="replace")[-2000:]
			raise RuntimeError(f"gunicorn exited with {process.returncode}: {tail}")
		with contextlib.suppress(requests.RequestException):
			if requests.get(f"{url}/api/method/ping", headers=site_headers(), timeout=5).ok:
				return
		time.sleep(0.2)
	raise RuntimeError(f"gunicorn did not answer on {url} within {READY_TIMEOUT} s")


def _bin(name: str) -> Path:
	"""A console script of the bench's own environment (the one running this code)."""
	return Path(sys.executable).parent / name


def _children(pid: int) -> list[int]:
	"""The processes whose parent is `pid`, from /proc."""
	children = []
	for entry in os.listdir("/proc"):
		if not entry.isdigit():
			continue
		try:
			with open(f"/proc/{entry}/stat") as stat:
				parent = int(stat.read().rsplit(")", 1)[1].split()[1])  # state, ppid
		except (OSError, ValueError, IndexError):
			continue  # the process ended meanwhile
		if parent == pid:
			children.append(int(entry))
	return children


def _free_port() -> int:
	with socket.socket() as sock:
		sock.bind(("127.0.0.1", 0))
		return sock.getsockname()[1]
