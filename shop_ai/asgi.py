"""ASGI entry point: HTTP through Django, WebSockets through Channels."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop_ai.settings")
# Django must be set up before anything imports models.
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402

from shop_ai.routing import websocket_urlpatterns  # noqa: E402
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
