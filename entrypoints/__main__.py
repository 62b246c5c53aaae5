"""``python -m entrypoints`` is the ``claimbot`` command."""

from entrypoints.cli import main

main()
