"""Root conftest: green the standard library before anything opens a socket."""

import eventlet

eventlet.monkey_patch()
