"""What the browser tests share: how Chromium is started, the offline guard, sign-in, screenshots."""
from pathlib import Path
from urllib.parse import urlsplit

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
