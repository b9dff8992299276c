#!/usr/bin/env python3
"""The operator console in headless Chromium, against the real server binary.

Starts the server on a fresh SQLite file with a loopback webhook receiver as its SMS provider, signs users in
through the API, then drives the console as an operator would: sign in with the texted code, find a user by a
differently spelled phone number, revoke one of their sessions and ban them, read the audit log, block a range on
the fraud page; and checks what a non-admin and a form without its CSRF token get. Every effect is checked through
the API and the stored rows. Writes a screenshot of each page to --screenshots.

    python3 Tests/Browser/console_browser.py --server .build/debug/PhoneAuthServer --screenshots .build/console-screenshots

Exit 0 when every check passed; otherwise the failed check on stderr and exit 1.
"""
import argparse
import http.server
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as conditions
from selenium.webdriver.support.ui import WebDriverWait

ADMIN = "+13125550001"
MEMBER = "+996555123456"
MEMBER_SPELLED = "+996 (555) 12-34-56"
STRANGER = "+13125550333"


class Texts:
    """The loopback webhook receiver: keeps the last code texted to each number."""

    def __init__(self):
        self.codes = {}
        self.lock = threading.Lock()
        texts = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                code = re.search(r"\b(\d{6})\b", body["body"]).group(1)
                with texts.lock:
                    texts.codes[body["to"]] = code
                self.send_response(200)
                self.send_header("X-Message-Id", "browser-test")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"

    def code(self, phone, after=None):
        for _ in range(100):
            with self.lock:
                code = self.codes.get(phone)
            if code and code != after:
                return code
            time.sleep(0.05)
        raise AssertionError(f"no code texted to {phone[:5]}…")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class API:
    def __init__(self, base):
        self.base = base

    def call(self, method, path, body=None, token=None, agent="browser-test"):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        request.add_header("User-Agent", agent)
        if token:
            request.add_header("Authorization", "Bearer " + token)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def sign_in(self, texts, phone, agent):
        before = texts.codes.get(phone)
        status, sent = self.call("POST", "/auth/send-code", {"phone": phone}, agent=agent)
        check(status == 202, f"send-code answered {status}: {sent}")
        code = texts.code(phone, after=before)
        status, grant = self.call(
            "POST", "/auth/verify-code", {"verification_id": sent["verification_id"], "verification_code": code}, agent=agent)
        check(status == 200, f"verify-code answered {status}: {grant}")
        return grant["access_token"]


def check(condition, message):
    if not condition:
        raise AssertionError(message)


class Console:
    """Chromium on the console, with a screenshot of each page it is asked to keep."""

    def __init__(self, base, folder, phone=False):
        options = webdriver.ChromeOptions()
        options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
        for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900"]:
            options.add_argument(argument)
        if phone:
            # A window cannot be narrower than 500 px; a phone's viewport is emulated instead.
            options.add_experimental_option("mobileEmulation", {"deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 2}})
        self.driver = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
        self.driver.set_page_load_timeout(20)
        self.base, self.folder = base, folder

    def open(self, path):
        self.driver.get(self.base + path)

    def heading(self):
        return self.driver.find_element(By.TAG_NAME, "h1").text

    def field(self, label):
        """The input a visible <label> names: forms are used the way a person (or a screen reader) finds them."""
        target = self.driver.find_element(By.XPATH, f"//label[normalize-space()='{label}']").get_attribute("for")
        return self.driver.find_element(By.ID, target)

    def submit(self, button_text, scope=None, confirm=True):
        """Clicks the button, answers its confirmation (when it asks), and waits for the next page to load."""
        root = scope or self.driver
        self.mark_page()
        root.find_element(By.XPATH, f".//button[normalize-space()='{button_text}']").click()
        if confirm is not None:
            WebDriverWait(self.driver, 5).until(conditions.alert_is_present())
            alert = self.driver.switch_to.alert
            alert.accept() if confirm else alert.dismiss()
        self.wait_for_next_page()

    def follow(self, link_text, scope=None):
        """Clicks the link and waits for the page it leads to."""
        self.mark_page()
        (scope or self.driver).find_element(By.LINK_TEXT, link_text).click()
        self.wait_for_next_page()

    def mark_page(self):
        self.driver.execute_script("window.__phoneauthPage = true")

    def wait_for_next_page(self):
        """Waits until a new document replaced the marked one and has loaded. Mid-navigation Chromium answers some
        commands with transient errors ("Node with given id does not belong to the document"), so those are retried
        rather than watching an old element go stale."""
        def loaded(driver):
            return driver.execute_script("return !window.__phoneauthPage && document.readyState === 'complete'")

        WebDriverWait(self.driver, 15, ignored_exceptions=(WebDriverException,)).until(loaded)

    def shot(self, name):
        self.driver.save_screenshot(os.path.join(self.folder, name + ".png"))

    def sign_in(self, texts, phone):
        self.open("/console")
        check(self.heading() == "Sign in", f"an anonymous visitor is sent to sign in, saw {self.heading()!r}")
        before = texts.codes.get(phone)
        self.field("Phone number").send_keys(phone)
        self.submit("Send code", confirm=None)
        code = texts.code(phone, after=before)
        self.field("Code").send_keys(code)
        self.submit("Sign in", confirm=None)

    def quit(self):
        self.driver.quit()


def run(arguments):
    folder = tempfile.mkdtemp(prefix="phoneauth-console-")
    database = os.path.join(folder, "phoneauth.sqlite")
    os.makedirs(arguments.screenshots, exist_ok=True)
    texts = Texts()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [arguments.server, "serve", "--port", str(port), "--database", database, "--sms", "webhook", "--sms-webhook-url", texts.url,
         "--sms-webhook-secret", "browser-test-secret", "--resend-cooldown", "1", "--log-level", "warning"],
        stdout=subprocess.DEVNULL, stderr=open(os.path.join(folder, "server.log"), "w"))
    consoles = []
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/health", timeout=1)
                break
            except Exception:
                time.sleep(0.05)
        api = API(base)
        api.sign_in(texts, ADMIN, "Setup/1.0")
        promoted = subprocess.run([arguments.server, "admin", "promote", "--database", database, ADMIN], capture_output=True, text=True)
        check(promoted.returncode == 0, f"admin promote failed: {promoted.stderr}")
        phone_token = api.sign_in(texts, MEMBER, "Shop/2.1 (iPhone)")
        time.sleep(1.1)
        tablet_token = api.sign_in(texts, MEMBER, "Shop/2.1 (iPad)")
        check(api.call("PATCH", "/api/v1/profile", {"full_name": "Aigerim Sadykova"}, token=phone_token)[0] == 200, "the member names herself")
        check(api.call("GET", "/api/v1/profile", token=phone_token)[0] == 200, "the member's phone token works before")

        # An admin signs in with the code the webhook received.
        console = Console(base, arguments.screenshots)
        consoles.append(console)
        time.sleep(1.1)
        console.sign_in(texts, ADMIN)
        check(console.heading() == "Overview", f"the operator lands on the overview, saw {console.heading()!r}")
        cookies = {c["name"]: c for c in console.driver.get_cookies()}
        session_cookie = cookies.get("phoneauth_console")
        check(session_cookie and session_cookie["httpOnly"] and session_cookie["sameSite"] == "Strict", f"console cookie: {session_cookie}")
        figure = console.driver.find_element(By.CSS_SELECTOR, "[data-metric='sign-ins']").text
        check(figure.isdigit() and int(figure) >= 4, f"the overview counts the sign-ins so far, showed {figure!r}")
        check(console.driver.find_elements(By.CSS_SELECTOR, "svg[data-chart='sends'] rect"), "the overview draws its chart")
        console.shot("overview")

        # Find the member by a piece of her name: the list links to her page.
        console.open("/console/users")
        console.field("Phone number, user id or name").send_keys("sadyk")
        console.submit("Find", confirm=None)
        matches = console.driver.find_elements(By.CSS_SELECTOR, "table.users tbody tr")
        check(len(matches) == 1 and MEMBER in matches[0].text, f"the name search lists the member, saw {[m.text for m in matches]}")
        console.shot("search")
        console.follow("Aigerim Sadykova", scope=matches[0])
        check(console.heading() == "Aigerim Sadykova", f"the match opens the member's page, saw {console.heading()!r}")

        # Find her again by another spelling of the number.
        console.open("/console/users")
        console.field("Phone number, user id or name").send_keys(MEMBER_SPELLED)
        console.submit("Find", confirm=None)
        check(console.driver.find_element(By.CSS_SELECTOR, "[data-field='phone']").text == MEMBER, "the search finds the member")
        check(console.heading() == "Aigerim Sadykova", f"the user page shows the profile as it is now, saw {console.heading()!r}")
        rows = console.driver.find_elements(By.CSS_SELECTOR, "table.sessions tbody tr")
        check(len(rows) == 2, f"the member has two sessions, the page lists {len(rows)}")
        console.shot("user")

        # Revoke the iPhone's session: that token fails at once, the iPad's still works.
        iphone = next(r for r in rows if "iPhone" in r.text)
        console.submit("Revoke", scope=iphone)
        check("The session ended." in console.driver.page_source, "the page says the session ended")
        check(api.call("GET", "/api/v1/profile", token=phone_token)[0] == 401, "the revoked session's token is refused")
        check(api.call("GET", "/api/v1/profile", token=tablet_token)[0] == 200, "the other session still works")

        # Ban with a reason: every token of the member fails.
        console.field("Reason").send_keys("card testing")
        console.submit("Ban")
        check("The user is banned" in console.driver.page_source, "the page says the user is banned")
        status, body = api.call("GET", "/api/v1/profile", token=tablet_token)
        check(status == 401, f"the banned member's token gets 401, got {status} {body}")
        console.shot("user-banned")

        # The audit log lists both, newest first, as the console's.
        console.open("/console/audit")
        actions = [e.text for e in console.driver.find_elements(By.CSS_SELECTOR, "table.audit td.action")]
        check(actions[:2] == ["user.ban", "session.revoke"], f"the audit page lists the ban and the revoke, saw {actions}")
        console.shot("audit")

        # A form posted without its CSRF token is refused and changes nothing.
        console.open("/console/users/2")
        console.driver.execute_script(
            "document.querySelectorAll('form[action$=\"/force-logout\"] input[name=csrf]').forEach(function (e) { e.remove(); })")
        console.submit("Force logout")
        check(console.heading() == "Form refused", f"a form without its CSRF token is refused, saw {console.heading()!r}")
        console.shot("csrf-refused")

        # Block a range on the fraud page: send-code refuses numbers in it.
        console.open("/console/fraud")
        console.field("Range").send_keys("+1415")
        console.field("Reason").send_keys("pumping from a reseller")
        console.submit("Block range", confirm=None)
        check("The range is blocked" in console.driver.page_source, "the fraud page says the range is blocked")
        row = console.driver.find_element(By.CSS_SELECTOR, "tr[data-block='+1415']")
        check("by user 1" in row.text and "pumping from a reseller" in row.text, f"the block is listed: {row.text}")
        status, body = api.call("POST", "/auth/send-code", {"phone": "+14155550123"})
        check(status == 403 and body["error"]["code"] == "phone_not_allowed", f"send-code into the range: {status} {body}")
        check(api.call("POST", "/auth/send-code", {"phone": "+13125550777"})[0] == 202, "another range is still served")
        console.shot("fraud")
        console.open("/console/markets")
        check(console.driver.find_element(By.CSS_SELECTOR, "tr[data-market='kg'] [data-field='users']").text == "1", "markets count users")
        console.shot("markets")

        # On a phone-sized screen the overview still reads.
        small = Console(base, arguments.screenshots, phone=True)
        consoles.append(small)
        for cookie in console.driver.get_cookies():
            small.open("/console/assets/console.css")
            small.driver.add_cookie({k: cookie[k] for k in ("name", "value", "path", "httpOnly", "sameSite") if k in cookie})
        small.open("/console")
        small.shot("overview-phone")
        width = small.driver.execute_script("return Math.max(document.documentElement.scrollWidth, window.innerWidth)")
        wide = small.driver.execute_script(
            "return Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > 391)"
            ".slice(0, 3).map(e => e.tagName + '.' + e.className).join(', ')")
        check(width <= 390, f"the overview fits a 390 px screen, is {width} px wide ({wide})")

        # Signing out ends the console session.
        console.submit("Sign out", confirm=None)
        check(console.heading() == "Sign in", "signing out returns to the sign-in page")
        console.open("/console/audit")
        check(console.heading() == "Sign in", "after signing out the pages need a new sign-in")

        # A user without the admin role who signs in is refused.
        api.sign_in(texts, STRANGER, "Setup/1.0")
        stranger = Console(base, arguments.screenshots)
        consoles.append(stranger)
        time.sleep(1.1)
        stranger.sign_in(texts, STRANGER)
        check(stranger.heading() == "Not an operator", f"a non-admin is refused, saw {stranger.heading()!r}")
        check(not any(c["name"] == "phoneauth_console" for c in stranger.driver.get_cookies()), "a non-admin keeps no console cookie")
        stranger.shot("not-operator")

        # The stored rows agree.
        db = sqlite3.connect(database)
        stored = db.execute("SELECT action, target, via, operator_id FROM audit_log ORDER BY id").fetchall()
        check(stored == [("user.promote", "user:1", "cli", None), ("session.revoke", "user:2", "console", 1), ("user.ban", "user:2", "console", 1),
                         ("range.block", "range:+1415", "console", 1)], f"audit_log rows: {stored}")
        banned = db.execute("SELECT disabled_reason FROM users WHERE phone_number = ?", (MEMBER,)).fetchone()
        check(banned == ("card testing",), f"the ban's reason is stored: {banned}")
        print(json.dumps({"passed": True, "screenshots": sorted(os.listdir(arguments.screenshots))}))
    finally:
        for console in consoles:
            try:
                console.quit()
            except Exception:
                pass
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        texts.server.shutdown()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", required=True, help="the PhoneAuthServer binary")
    parser.add_argument("--screenshots", required=True, help="folder for the pages' screenshots")
    try:
        run(parser.parse_args())
    except AssertionError as failure:
        print(f"console browser test failed: {failure}", file=sys.stderr)
        sys.exit(1)
