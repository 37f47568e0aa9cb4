"""Image providers: the layout engine (compose) and the AI backends that paint its backdrops."""
