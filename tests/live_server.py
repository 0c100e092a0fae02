"""The app behind a real HTTP server in a thread, for tests that need true concurrency.

The test client runs a request inside the calling thread; here every request gets a
thread of its own in the server, with its own database connection, as under gunicorn.
"""

import contextlib
import threading

from werkzeug.serving import make_server


@contextlib.contextmanager
def serving(app):
    """Serve the app on a free 127.0.0.1 port; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
