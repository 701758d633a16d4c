"""One SSL context per test process for httpx, instead of one per client.

httpx builds an SSL context for every `Client` (parsing certifi's CA bundle: ~16 ms of CPU on this
machine), and `httpx.get`/`httpx.post` make a client per call; a request itself to a local server costs
~0.5 ms. The tests send thousands of such one-off requests (test_nginx's comparison alone ~280), all plain
HTTP to servers on loopback. So the default context (`verify=True`, no client certificate) is made once
per process and shared, as one client shares it between its connections; anything else is built as
httpx builds it. Only the tests do this: the project's own clients (store/remote.py, proxy.py,
publishing.py) keep one `httpx.Client` each.

httpx's transport looks the function up in its module when a client is made; if a new httpx moves it,
`install` leaves httpx as it is (the tests then only run slower) and says so in `installed`.
"""

from __future__ import annotations

import ssl
from typing import Any

installed = False


def install() -> None:
    global installed
    try:
        from httpx._transports import default
    except ImportError:
        return
    original = getattr(default, "create_ssl_context", None)
    if original is None or installed:
        return
    made: dict[bool, ssl.SSLContext] = {}

    def create_ssl_context(verify: Any = True, cert: Any = None, trust_env: bool = True) -> ssl.SSLContext:
        if verify is True and cert is None:
            if trust_env not in made:
                made[trust_env] = original(verify=verify, cert=cert, trust_env=trust_env)
            return made[trust_env]
        return original(verify=verify, cert=cert, trust_env=trust_env)

    default.create_ssl_context = create_ssl_context
    installed = True
