"""The ways in that are not Slack: the ``claimbot`` command line, the local console, the clock."""
