"""Socket.IO event handlers, one module per domain. Each module exposes ``register``."""
