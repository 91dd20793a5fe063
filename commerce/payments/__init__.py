"""Payment providers: Stripe (the only module importing ``stripe``) and a simulated one."""
