"""What the browser tests share: how Chromium is started, tabs with the offline guard, sign-in,
screenshots, and a connection to the database that a test may cut."""
import contextlib
import select
import socket
import threading
from pathlib import Path
from urllib.parse import urlsplit

from helpers import TcpRelay
from live_server import serving

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-output" / "screenshots"


def keep_to_this_machine(context):
    """Abort every request that would leave 127.0.0.1; return the list of those asked for."""
    outside = []

    def route(route):
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort("internetdisconnected")

    context.route("**/*", route)
    return outside


class Tabs:
    """Tabs on one served app, each in a browser context of its own, so each has its own
    sessionStorage: one person signed in per tab.

    check() fails the test for any request off the machine, browser dialog, script error or
    CSP refusal in any of them; console_errors gathers every console error, for the tests
    that expect none.
    """

    def __init__(self, browser, base_url, dialogs):
        self.browser = browser
        self.base_url = base_url
        self.dialogs = dialogs
        self.contexts = []
        self.outside = []
        self.problems = []
        self.console_errors = []

    def open(self, width=1100, height=800):
        context = self.browser.new_context(base_url=self.base_url, viewport={"width": width, "height": height})
        self.contexts.append(context)
        self.outside.append(keep_to_this_machine(context))
        page = context.new_page()
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        page.on("pageerror", lambda error: self.problems.append(str(error)))
        page.on("console", self._console)
        return page

    def _console(self, message):
        if "Content Security Policy" in message.text:
            self.problems.append(message.text)
        if message.type == "error":
            self.console_errors.append(message.text)

    def close(self):
        for context in self.contexts:
            context.close()

    def check(self):
        outside = [url for urls in self.outside for url in urls]
        assert not outside, f"the page asked for addresses off this machine: {outside}"
        assert not self.dialogs, f"the page opened dialogs: {self.dialogs}"
        assert not self.problems, f"the page had script errors or CSP refusals: {self.problems}"


@contextlib.contextmanager
def tabs_on(browser, app, dialogs):
    """Serve the app on 127.0.0.1 and yield Tabs on it; check them once they are closed."""
    with serving(app) as base_url:
        tabs = Tabs(browser, base_url, dialogs)
        try:
            yield tabs
        finally:
            tabs.close()
    tabs.check()


def sign_in(page, account):
    """Sign in through the page's form and wait until the page says who is signed in."""
    form = page.locator("#sign-in")
    form.get_by_label("Email").fill(account.email)
    form.get_by_label("Password").fill(account.password)
    form.get_by_role("button", name="Sign in").click()
    page.locator("#whoami").filter(has_text=f"Signed in as {account.name}").wait_for()


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


class DatabaseCable(TcpRelay):
    """A TCP relay between the app and its database that a test can pull out and plug back.

    Pulled out, it closes every connection it carries and each new one as soon as it comes,
    as a database host that drops off the network does: the app's statements fail with a
    lost connection (503). Plugged back in, new connections reach the database again.
    """

    def __init__(self, server_host, server_port):
        self._lock = threading.Lock()
        self._carried = set()
        self._plugged_in = True
        super().__init__(server_host, server_port)

    def pull_out(self):
        with self._lock:
            self._plugged_in = False
            for end in self._carried:
                end.shutdown(socket.SHUT_RDWR)

    def plug_in(self):
        with self._lock:
            self._plugged_in = True

    def close(self):
        self.listener.close()
        self.pull_out()

    def accepts(self):
        with self._lock:
            return self._plugged_in

    def carry(self, client, server):
        with self._lock:
            self._carried.update((client, server))
        try:
            self._pass_bytes(client, server)
        finally:
            with self._lock:
                self._carried.difference_update((client, server))

    @staticmethod
    def _pass_bytes(client, server):
        """Pass bytes both ways until either end hangs up (or the cable is pulled out)."""
        other_end = {client.fileno(): (client, server), server.fileno(): (server, client)}
        poller = select.poll()
        for descriptor in other_end:
            poller.register(descriptor, select.POLLIN)
        while True:
            for descriptor, _ in poller.poll():
                source, target = other_end[descriptor]
                try:
                    data = source.recv(65536)
                    if not data:
                        return
                    target.sendall(data)
                except OSError:
                    return  # reset, or shut down by pull_out(): as a hang-up
