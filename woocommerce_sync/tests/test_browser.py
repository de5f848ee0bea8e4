"""Desk in headless Chromium, served by gunicorn as in production: log in, the WooCommerce
workspace (its cards show numbers), a store's form (health headline, Test Connection), the Import
Orders dialog, the live WooCommerce Order list of the fake store, a Sales Order's Actions menu,
the Item list's Actions (Sell on WooCommerce store...); and no JavaScript error in the browser's
console.

Needs Debian's chromium and chromium-driver, selenium in the bench's environment and built Desk
assets (`bench build`); skips with the reason otherwise. Screenshots of every step are kept under
sites/<site>/test-output/test_browser/ when the test fails (WOOCOMMERCE_SYNC_KEEP_SCREENSHOTS=1
keeps them always).
"""

import contextlib
import importlib.util
import os
import shutil
import tempfile
import typing
import unittest
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import frappe
from frappe.utils.password import update_password

from woocommerce_sync.orders.sync_sales_orders import ImportFilters, sync_store
from woocommerce_sync.testing.site_server import serve_site
from woocommerce_sync.tests.utils import StoreTestCase

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
WAIT = 30  # seconds for one element; Desk's first load compiles its bundles in the browser
CHROMIUM_FLAGS = [
	"--headless",
	"--no-sandbox",
	"--disable-gpu",
	"--disable-dev-shm-usage",
	"--disable-background-networking",
	"--disable-component-update",
	"--disable-sync",
	"--no-first-run",
	"--window-size=1400,1000",
]
# Desk's realtime client reaches for the socket.io server, which this test does not start.
IGNORED_CONSOLE = ("socket.io", "favicon.ico")


def missing_prerequisite() -> str | None:
	if not (os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)):
		return "Chromium or chromedriver is missing: apt-get install -y chromium chromium-driver"
	if importlib.util.find_spec("selenium") is None:
		return "selenium is missing from the bench's environment: env/bin/pip install selenium"
	if (
		not Path(frappe.get_app_path("frappe"), "..", "..", "..", "sites", "assets", "assets.json")
		.resolve()
		.exists()
	):
		return "Desk assets are not built: run `bench build` in the bench"
	return None


class TestDeskInBrowser(StoreTestCase):
	store_overrides: typing.ClassVar[dict] = {"submit_orders": 1}

	def setUp(self):
		reason = missing_prerequisite()
		if reason:
			raise unittest.SkipTest(f"Browser test skipped: {reason}")
		super().setUp()
		self.output = Path(frappe.get_site_path("test-output", "test_browser")).resolve()
		shutil.rmtree(self.output, ignore_errors=True)
		self.output.mkdir(parents=True)
		self.user, self.password = self.make_user()
		orders = self.fake.generate_orders(2)
		sync_store(self.store, "Manual", filters=ImportFilters(ids=[o["id"] for o in orders]))
		self.sales_order = frappe.get_all(
			"Sales Order", filters={"woocommerce_server": self.store}, pluck="name", limit=1
		)[0]
		frappe.db.commit()

	def make_user(self) -> tuple[str, str]:
		email = f"wc-browser-{frappe.generate_hash(length=6)}@example.com"
		password = frappe.generate_hash(length=16)
		user = frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": "Shop",
				"last_name": "Owner",
				"send_welcome_email": 0,
			}
		).insert(ignore_permissions=True)
		# a shop owner who keeps the Items, not a System Manager
		user.add_roles("WooCommerce Manager", "Sales Manager", "Item Manager")
		update_password(email, password)
		frappe.db.commit()
		return email, password

	def test_desk_pages_work_without_console_errors(self):
		from selenium import webdriver
		from selenium.webdriver.chrome.service import Service

		options = webdriver.ChromeOptions()
		options.binary_location = CHROMIUM
		for flag in CHROMIUM_FLAGS:
			options.add_argument(flag)
		profile = tempfile.mkdtemp(prefix="woocommerce-chromium-")
		options.add_argument(f"--user-data-dir={profile}")
		options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
		with contextlib.ExitStack() as stack:
			stack.callback(shutil.rmtree, profile, ignore_errors=True)
			url = stack.enter_context(serve_site(workers=2, statics=True))
			# Frappe picks the site by host name; *.localhost is loopback in Chromium.
			self.base = url.replace("127.0.0.1", frappe.local.site)
			self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
			stack.callback(self.driver.quit)
			self.step = 0
			try:
				self.walk_through_desk()
			except Exception:
				self.shoot("failure")
				(self.output / "failure.html").write_text(self.driver.page_source)
				raise
		if not os.environ.get("WOOCOMMERCE_SYNC_KEEP_SCREENSHOTS"):
			shutil.rmtree(self.output, ignore_errors=True)

	def walk_through_desk(self) -> None:
		from selenium.webdriver.common.by import By

		self.open("/login")
		self.find("#login_email").send_keys(self.user)
		self.find("#login_password").send_keys(self.password)
		self.find(".btn-login").click()
		self.wait_for(lambda: "/app" in self.driver.current_url, "the login to reach Desk")

		self.open("/app/woocommerce")
		numbers = self.wait_for(
			lambda: (
				[e.text for e in self.driver.find_elements(By.CSS_SELECTOR, ".number-widget-box .number")]
				if len(self.driver.find_elements(By.CSS_SELECTOR, ".number-widget-box .number")) == 4
				else None
			),
			"the four number cards",
		)
		self.assertTrue(all(text.strip().replace(",", "").isdigit() for text in numbers), numbers)
		self.assertFalse(self.modal_title(), "the workspace opened a dialog (an error?)")
		self.wait_for(
			lambda: len(self.driver.find_elements(By.CSS_SELECTOR, ".dashboard-widget-box")) == 3 or None,
			"the three charts",
		)
		self.find(".dashboard-widget-box .frappe-chart")
		self.shoot("workspace")

		self.open(f"/app/woocommerce-integration-settings/{quote(self.store)}")
		headline = self.find(".woocommerce-health-headline")
		self.assertTrue(headline.text.strip())
		self.click_button("Test Connection")
		self.wait_for(lambda: self.modal_title() == "Connection Successful", "Test Connection's answer")
		self.assertIn("Connected to", self.find(".modal.show .msgprint").text)
		self.shoot("test-connection")
		self.close_dialogs()
		# The guided first run: the store's gateways are offered for the Payment Methods table.
		self.wait_for(
			lambda: self.modal_title() == f"Set up {self.store} from the store", "the guided first run"
		)
		self.find(
			"//div[contains(@class,'modal') and contains(@class,'show')]//*[contains(., 'Cash on delivery')]",
			xpath=True,
		)
		self.shoot("first-run")
		self.close_dialogs()
		self.click_button("Import Orders")
		self.wait_for(
			lambda: self.modal_title() == f"Import Orders from {self.store}", "the Import Orders dialog"
		)
		self.find(".modal.show [data-fieldname='ids'] input")
		self.shoot("import-dialog")
		self.close_dialogs()

		self.open(f"/app/woocommerce-order?store={quote(self.store)}")
		self.wait_for(
			lambda: (
				len(self.driver.find_elements(By.CSS_SELECTOR, ".result .list-row-container")) >= 2 or None
			),
			"the store's orders in the list",
		)
		self.find(".list-row-container .indicator-pill.green")  # an order with its Sales Order
		self.shoot("woocommerce-orders")

		self.open(f"/app/sales-order/{quote(self.sales_order)}")
		self.click_button("Actions")
		self.find(
			"//div[contains(@class,'dropdown-menu') and contains(@class,'show')]//a[contains(., 'Sync with WooCommerce')]",
			xpath=True,
		)
		self.shoot("sales-order-actions")
		self.close_menus()

		self.open("/app/item")
		self.find(".list-row-container .list-row-checkbox").click()
		self.click_button("Actions")
		self.find(
			"//*[contains(@class,'dropdown-menu') and contains(@class,'show')]//*[contains(., 'Sell on WooCommerce store...')]",
			xpath=True,
		)
		self.shoot("item-list-actions")
		self.assert_no_console_errors()

	# Helpers ----------------------------------------------------------------------------------

	def open(self, path: str) -> None:
		self.driver.get(self.base + path)
		self.wait_for(
			lambda: (
				self.driver.execute_script("return document.readyState") == "complete"
				and self.driver.execute_script(
					"return !window.frappe || !frappe.dom || !frappe.dom.freeze_count"
				)
			),
			f"{path} to load",
		)

	def find(self, selector: str, wait: int = WAIT, xpath: bool = False):
		from selenium.webdriver.common.by import By

		by = By.XPATH if xpath else By.CSS_SELECTOR
		return self.wait_for(
			lambda: next((e for e in self.driver.find_elements(by, selector) if e.is_displayed()), None),
			selector,
			wait,
		)

	def modal_title(self) -> str | None:
		from selenium.webdriver.common.by import By

		titles = [
			e.text
			for e in self.driver.find_elements(By.CSS_SELECTOR, ".modal.show .modal-title")
			if e.is_displayed()
		]
		return titles[-1] if titles else None

	def click_button(self, label: str) -> None:
		self.find(f"//button[normalize-space(.)='{label}']", xpath=True).click()

	def close_menus(self) -> None:
		"""An open dropdown would catch the next click."""
		self.driver.find_element("tag name", "body").send_keys("\ue00c")  # Escape

	def close_dialogs(self) -> None:
		"""Close the dialogs open now, the topmost first; one that opens meanwhile (the guided first
		run follows Test Connection's message) is the page's next step and stays. Bootstrap ignores
		a close while a dialog is still fading in (long on a loaded machine), so the close button is
		pressed until that very dialog is gone."""
		from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
		from selenium.webdriver.common.by import By

		def closed(dialog) -> bool | None:
			try:
				if "show" not in (dialog.get_attribute("class") or "").split():
					return True
				dialog.find_element(By.CSS_SELECTOR, ".btn-modal-close").click()
			except StaleElementReferenceException:
				return True  # removed from the page
			except WebDriverException:
				pass  # not clickable yet: try again
			return None

		for dialog in reversed(self.driver.find_elements(By.CSS_SELECTOR, ".modal.show")):
			self.wait_for(lambda dialog=dialog: closed(dialog), "the dialog to close", 10)

	def wait_for(self, condition: Callable, what: str, timeout: int = WAIT):
		from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
		from selenium.webdriver.support.ui import WebDriverWait

		try:
			return WebDriverWait(
				self.driver, timeout, ignored_exceptions=(StaleElementReferenceException,)
			).until(lambda _driver: condition())
		except TimeoutException:
			raise AssertionError(f"Waited {timeout} s for {what} at {self.driver.current_url}") from None

	def shoot(self, name: str) -> None:
		self.step += 1
		self.driver.save_screenshot(str(self.output / f"{self.step:02d}-{name}.png"))

	def assert_no_console_errors(self) -> None:
		errors = [
			entry["message"]
			for entry in self.driver.get_log("browser")
			if entry["level"] == "SEVERE" and not any(noise in entry["message"] for noise in IGNORED_CONSOLE)
		]
		self.assertEqual(errors, [], "JavaScript errors in the browser's console")
