"""The Discord adapter: discord.py application commands, persistent buttons and modals."""
