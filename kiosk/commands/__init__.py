"""Sub-commands of ``kiosk``: one module each, with ``register(subparsers, root_parser)``.

A module registers its parser and sets ``func`` (a callable taking the parsed namespace and
returning an exit code). Heavy imports happen inside ``func``, never at module import.
"""
