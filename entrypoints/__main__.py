"""``python -m entrypoints`` is the ``claimbot`` command."""

from entrypoints.command import main

main()
