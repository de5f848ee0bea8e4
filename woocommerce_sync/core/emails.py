"""E-mail addresses as ERPNext can store them: an internationalised domain as punycode (IDNA).

WooCommerce keeps what the buyer typed (`kunde@bücher.de`, `user@例え.jp`); Frappe's e-mail check
accepts ASCII domains only. The domain is the same mailbox either way (DNS only knows the
punycode form), so Customer and Contact get `kunde@xn--bcher-kva.de` and the Sales Order keeps the
original. The local part is never changed: only the receiving server knows what it means.
"""


def ascii_email(address: str) -> str:
	"""The address with its domain in punycode; unchanged when it is ASCII already or when the
	domain is not a valid internationalised name (then the caller's own check refuses it)."""
	local, at, domain = address.rpartition("@")
	if not at or not local or not domain or domain.isascii():
		return address
	try:
		# Python's "idna" codec (IDNA 2003, nameprep) maps case and width, and splits labels on
		# the ideographic and full-width dots too, as browsers do.
		return f"{local}@{domain.encode('idna').decode('ascii')}"
	except UnicodeError:
		return address
