"""``python -m bot`` is the ``claimbot`` command."""

from bot.cli import main

main()
