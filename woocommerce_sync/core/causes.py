"""Why a store could not be reached, in a word the app can explain, from the HTTP library's text
(which people should never have to read: pool names, retries, signed URLs)."""

DNS, REFUSED, TIMEOUT, RESET, OTHER = "dns", "refused", "timeout", "reset", "other"

_MARKERS = (
	(
		DNS,
		(
			"name or service not known",
			"nodename nor servname",
			"getaddrinfo",
			"nameresolutionerror",
			"no address associated",
			"temporary failure in name resolution",
		),
	),
	(REFUSED, ("connection refused", "errno 111", "actively refused")),
	(TIMEOUT, ("timed out", "timeout")),
	(
		RESET,
		("connection reset", "connection aborted", "remote end closed", "broken pipe", "connection broken"),
	),
)


def connection_cause(detail: str | None) -> str:
	"""One of DNS, REFUSED, TIMEOUT, RESET or OTHER."""
	text = (detail or "").lower()
	for cause, markers in _MARKERS:
		if any(marker in text for marker in markers):
			return cause
	return OTHER
