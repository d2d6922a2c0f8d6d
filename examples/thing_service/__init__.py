"""The thing service: an event-sourced service on a single table, with a CQRS listener.

``trigger`` publishes a domain event each time a ``thing`` row of the ``Entities`` table
changes (``cdc`` rules); ``listener`` materializes those events from a queue into its own
``Views`` table (``materialize`` rules). ``demo`` runs both on this machine against a moto
server; ``template.yaml`` deploys them to AWS.
"""
