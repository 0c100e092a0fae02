"""The flask-smorest Blueprint of oz's API modules: request bodies must be JSON objects."""

import flask_smorest
from flask import current_app
from flask_smorest import abort
from webargs import missing
from webargs.flaskparser import FlaskParser


class JsonObjectParser(FlaskParser):
    """webargs' Flask parser, with clear errors for a body that is not a JSON object.

    Only a body that a schema is about to load is read, and it is parsed once: 415 for a
    content type other than JSON, 400 for text that is not JSON or not an object. No body
    at all loads as {}, so the schema names the required fields (422).
    """

    def load_json(self, req, schema):
        body = req.get_data(cache=True)
        if not body:
            return missing
        if not req.is_json:
            abort(415, message="Send the body as JSON (Content-Type: application/json).")
        try:
            data = current_app.json.loads(body)
        except ValueError:
            abort(400, message="The body is not valid JSON.")
        if not isinstance(data, dict):
            abort(400, message="The body must be a JSON object.")
        return data


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = JsonObjectParser()
