"""ASGI entry point: HTTP through Django, WebSockets through Channels."""

from __future__ import annotations

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Django must be set up before anything imports models (as get_asgi_application does).
django.setup(set_prefix=False)

from shop_ai.asgi_handler import SyncChainASGIHandler, freeze_loaded_objects  # noqa: E402

django_asgi_app = SyncChainASGIHandler()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402

from config.routing import websocket_urlpatterns  # noqa: E402
from shop_ai.ws import OriginCheck, SocketAuthStack  # noqa: E402

protocols: dict[str, object] = {
    "http": django_asgi_app,
    "websocket": OriginCheck(SocketAuthStack(URLRouter(websocket_urlpatterns))),
}
if settings.SHOP_AI_LIVE_IN_PROCESS:
    # The embedded mode has no process manager for `run_live_host`: this process hosts
    # every room that goes on air, for as long as the server runs.
    from livestream.hosting import LiveLifespan

    protocols["lifespan"] = LiveLifespan()

application = ProtocolTypeRouter(protocols)
# Last: everything the process loads at start-up is in memory now.
freeze_loaded_objects()
