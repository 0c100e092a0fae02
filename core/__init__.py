"""oz's machinery under the routes: the database, migrations, errors, pagination, ETags, the
failed-login throttle, the request log and the framework hooks."""
