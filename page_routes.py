"""The HTML pages and the offline Swagger UI; the pages' own scripts call the JSON API."""
from flask import Blueprint, redirect, render_template, send_from_directory, url_for
from swagger_ui_bundle import swagger_ui_path

# Only the app's own files may run or style a page, and no inline script runs: markup that
# slips into a page from user content can show, never execute. Swagger UI draws its icons
# from data: URIs in its stylesheet.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def create_page_blueprint():
    """Build the blueprint for /, /manage-users, /manage-boards, /people/<name> and /swagger-ui."""
    bp = Blueprint("web", __name__)

    # GET /: links to the pages and the API docs
    @bp.get("/")
    def index():
        return render_template("index.html")

    # GET /manage-users: list, edit and delete users
    @bp.get("/manage-users")
    def manage_users():
        return render_template("manage_users.html")

    # GET /manage-boards: list, write, edit and delete boards
    @bp.get("/manage-boards")
    def manage_boards():
        return render_template("manage_boards.html")

    # GET /people/<name>: a person's profile, at an address that can be shared. `path` lets a
    # name hold a "/"; the page's script asks the API for the profile.
    @bp.get("/people/<path:name>")
    def profile(name):
        return render_template("profile.html", name=name)

    # GET /favicon.ico: where browsers look for the icon of a page that names none (the JSON
    # answers); the pages name static/favicon.svg themselves.
    @bp.get("/favicon.ico")
    def favicon():
        return redirect(url_for("static", filename="favicon.svg"), 301)

    # GET /swagger-ui: the API docs, from files installed with the app, so no internet is needed
    @bp.get("/swagger-ui")
    def swagger_ui():
        return render_template("swagger_ui.html")

    @bp.get("/swagger-ui/<path:filename>")
    def swagger_ui_file(filename):
        return send_from_directory(swagger_ui_path, filename)

    @bp.after_request
    def lock_pages_to_own_files(response):
        """Lock HTML pages to the app's own scripts and styles (every response has nosniff)."""
        if response.mimetype == "text/html":
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
            response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    return bp
