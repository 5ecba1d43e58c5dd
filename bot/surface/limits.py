"""Limits a member meets the same way on every platform."""

# The longest answer a member can type: Slack's plain_text_input takes at most 3,000 characters (Discord's
# text input 4,000), so one figure for both keeps an answer the same size on every platform.
ANSWER_CHARS = 3000
