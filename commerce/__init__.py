"""Commerce: offers, transactions, the bus (RabbitMQ or in-process), the outbox and the workers."""
