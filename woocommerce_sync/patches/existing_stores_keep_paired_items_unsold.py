"""Stores that existed before *Items paired by orders are sold on this store* keep the old
behaviour (off): turning it on would start pushing stock and prices for every Item their order
imports pair from now on, which the owner never asked for. New stores get the DocType's default
(on). An owner who wants it ticks the box and runs Map Existing Products with *Mark every paired
Item sold* for the Items paired earlier.

Runs after the model sync (the column exists, filled with the default 1 by MariaDB); a fresh
install marks this patch done without running it, so new sites' stores keep the default.
"""

import frappe

from woocommerce_sync.constants import SETTINGS


def execute() -> None:
	frappe.db.sql(f"update `tab{SETTINGS}` set sell_items_paired_by_orders = 0")
