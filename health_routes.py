"""/health: is the service up, and can it reach its database?"""


from core.db import load_sql
from core.errors import error_responses
from core.framework import ApiBlueprint
from schemas import Health

PING = load_sql("service/ping")


def create_health_blueprint(mysql):
    blp = ApiBlueprint("health", __name__, description="The service itself.")

    # GET /health: 200 when the database answers, 503 (via the error handler) when not.
    @blp.route("/health", methods=["GET"])
    @blp.doc(security=[], responses=error_responses(503))
    @blp.response(200, Health)
    def get_health():
        """Whether the service and its database answer."""
        mysql.fetch_one(PING)
        return {"status": "ok", "database": "ok"}

    return blp
