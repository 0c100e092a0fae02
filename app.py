"""oz: users and their boards over MySQL. create_app() builds the whole service."""

import os

from flask_smorest import Api
from werkzeug.middleware.proxy_fix import ProxyFix

from auth import SignInResponses, create_auth
from board_routes import create_board_blueprint
from cli import register_commands
from comment_routes import create_comment_blueprint
from core.db import DEFAULT_QUERY_TIMEOUT, PersistentMySQL
from core.errors import register_error_handlers
from core.framework import OperationIds, OzFlask
from core.request_log import init_request_log
from core.throttle import init_throttle
from feed_routes import create_feed_blueprint
from follow_routes import create_follow_blueprint
from health_routes import create_health_blueprint
from page_routes import create_page_blueprint
from profile_routes import create_profile_blueprint
from schemas import document_partial_updates
from token_routes import create_token_blueprint
from user_routes import create_user_blueprint

ONE_MIB = 1024 * 1024


def config_from_env(env=os.environ):
    """The settings people change, read from the environment with the documented defaults."""
    return {
        "MYSQL_HOST": env.get("MYSQL_HOST", "127.0.0.1"),
        "MYSQL_PORT": int(env.get("MYSQL_PORT", "3306")),
        "MYSQL_USER": env.get("MYSQL_USER", "root"),
        "MYSQL_PASSWORD": env.get("MYSQL_PASSWORD", ""),
        "MYSQL_DB": env.get("MYSQL_DB", "oz"),
        # How long a request waits for an unreachable database before answering 503.
        "MYSQL_CONNECT_TIMEOUT": int(env.get("MYSQL_CONNECT_TIMEOUT", "5")),
        # How long a statement may wait for a database that hangs before answering 503.
        "MYSQL_QUERY_TIMEOUT": int(env.get("MYSQL_QUERY_TIMEOUT", DEFAULT_QUERY_TIMEOUT)),
        # Where failed-login counts live: memory://, or redis://host:6379 to share them.
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        # Behind one reverse proxy that sets X-Forwarded-For, -Proto and -Host: the client's
        # address (for the throttle), scheme and host (for links) come from it. Off, those
        # headers are anyone's to forge, and are ignored.
        "OZ_TRUST_PROXY": env.get("OZ_TRUST_PROXY", "").lower() in ("1", "true", "yes", "on"),
    }


API_SETTINGS = {
    "API_TITLE": "oz",
    "API_VERSION": "1.0",
    # 3.0: the Swagger UI served by page_routes renders OpenAPI 3.0 documents.
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/",
    "OPENAPI_JSON_PATH": "openapi.json",
    # page_routes serves /swagger-ui from local files: smorest's own page loads from a CDN and
    # starts from an inline script that the pages' Content-Security-Policy refuses.
    "OPENAPI_SWAGGER_UI_PATH": None,
    "API_SPEC_OPTIONS": {
        "info": {
            "description": (
                "Users and their boards (posts). Sign in with HTTP Basic (your email and "
                "password), or once with POST /tokens and then with the token (Bearer). "
                "Errors are JSON: {code, status, message, errors?}. Strings are "
                "trimmed (passwords are not). Lists are newest first (a board's comments: oldest "
                "first) and paginated by an "
                "opaque cursor: follow the Link rel=\"next\" header."
            )
        },
        # Either scheme: Swagger UI's Authorize dialog offers both.
        "security": [{"basicAuth": []}, {"bearerAuth": []}],
        "components": {
            "securitySchemes": {
                "basicAuth": {
                    "type": "http",
                    "scheme": "basic",
                    "description": "Your account's email (any case) and password.",
                },
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token from POST /tokens; it stops working when it expires or is revoked.",
                },
            }
        },
    },
}


def create_app(config=None):
    """Build the oz application; `config` overrides settings (the tests use it)."""
    app = OzFlask(__name__)
    app.config.update(
        MAX_CONTENT_LENGTH=ONE_MIB,
        PASSWORD_HASH_METHOD="scrypt",
        **API_SETTINGS,
        **config_from_env(),
    )
    app.config.update(config or {})
    if app.config["OZ_TRUST_PROXY"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    init_request_log(app)

    mysql = PersistentMySQL(app)
    auth = create_auth(mysql, init_throttle(app))
    api = Api(app, spec_kwargs={"extra_plugins": [OperationIds(), SignInResponses()]})
    api.register_blueprint(create_user_blueprint(mysql, auth))
    api.register_blueprint(create_board_blueprint(mysql, auth))
    api.register_blueprint(create_comment_blueprint(mysql, auth))
    api.register_blueprint(create_follow_blueprint(mysql, auth))
    api.register_blueprint(create_profile_blueprint(mysql, auth))
    api.register_blueprint(create_feed_blueprint(mysql, auth))
    api.register_blueprint(create_token_blueprint(mysql, auth))
    api.register_blueprint(create_health_blueprint(mysql))
    document_partial_updates(api.spec)
    app.register_blueprint(create_page_blueprint())
    register_error_handlers(app)
    register_commands(app, mysql)
    return app

