"""gunicorn settings for oz: `gunicorn -c gunicorn.conf.py` (the default is `python serve.py`).

Environment: HOST (127.0.0.1), PORT (5000), WEB_CONCURRENCY (workers, 2), OZ_THREADS (threads
per worker; above 1 it uses gthread workers, each thread with its own MySQL connection).
"""

import os

from core.request_log import lean_log_records

wsgi_app = "app:create_app()"
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("OZ_THREADS", "2"))
worker_class = "gthread" if threads > 1 else "sync"
# A request still running after this many seconds gets its worker restarted; shutdowns
# wait as long for requests in flight.
timeout = 30
graceful_timeout = 30
keepalive = 5
# The access log is oz's own (core/request_log.py: one line per request on stderr, never a
# header, query string or body). gunicorn's is off: it would log each request twice, and its
# default format shows the Basic-auth user name.
accesslog = None

lean_log_records()  # the workers, forked from here, inherit it
