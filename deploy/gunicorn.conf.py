"""
gunicorn settings for Quórum (deploy/quorum-web.service runs it with ``-c`` this file).

Each setting can be changed without editing this file: GUNICORN_BIND, WEB_CONCURRENCY
(processes), GUNICORN_THREADS and GUNICORN_TIMEOUT in the environment file.
"""

import multiprocessing
import os

# Only the reverse proxy on this machine talks to gunicorn.
bind = os.getenv("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.getenv("WEB_CONCURRENCY", str(multiprocessing.cpu_count() * 2 + 1)))
# Threads let a process serve a page while another one waits on the database or a download.
threads = int(os.getenv("GUNICORN_THREADS", "4"))
worker_class = "gthread"
# A PDF rendered on request (convocatoria, acta draft) takes a few seconds on a busy machine.
timeout = int(os.getenv("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# Idle connections from the proxy stay open longer than the proxy keeps them (Caddyfile:
# keepalive 60s), so the proxy never sends a request on a connection gunicorn just closed.
keepalive = 75
# A process is replaced after this many requests (and a random few more, so that they are
# not all replaced at once): a slow leak in a library never grows without bound.
max_requests = 2000
max_requests_jitter = 200
# The proxy (Caddy) sets X-Forwarded-Proto; only trust it from the loopback.
forwarded_allow_ips = "127.0.0.1,::1"
# systemd starts, reloads and stops it; no control socket (gunicornc), which two instances
# under one user would otherwise share.
control_socket_disable = True
accesslog = "-"
errorlog = "-"
loglevel = os.getenv("GUNICORN_LOG_LEVEL", "info")
