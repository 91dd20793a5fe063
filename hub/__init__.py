"""EchoList Hub: the live layer of the EchoList marketplace."""
