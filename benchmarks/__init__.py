"""The load-testing suite: scenarios against a running hub, with reports and plots.

Load testers are users of the hub; see benchmarks/README.md. The suite talks to the hub only as
its clients do (Socket.IO, the listing service's HTTP API, JWTs) and imports nothing of the hub.
"""
