"""A small TwiML writer: the XML a telephony provider (Twilio and compatible ones)
reads to drive a call. Only the verbs SESIS uses."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr


class TwiML:
    def __init__(self, *, voice: str = "", language: str = "en-US") -> None:
        self.verbs: list[str] = []
        self.say_attrs = (f" voice={quoteattr(voice)}" if voice else "") + f" language={quoteattr(language)}"

    def _say(self, text: str) -> str:
        return f"<Say{self.say_attrs}>{escape(text)}</Say>"

    def say(self, text: str) -> TwiML:
        self.verbs.append(self._say(text))
        return self

    def gather(self, prompt: str, *, action: str, num_digits: int | None = None, timeout: int = 8) -> TwiML:
        """Speak the prompt and collect keypad digits (ending with # unless num_digits is set)."""
        attrs = f' input="dtmf" action={quoteattr(action)} method="POST" timeout="{timeout}"'
        attrs += f' numDigits="{num_digits}"' if num_digits else ' finishOnKey="#"'
        self.verbs.append(f"<Gather{attrs}>{self._say(prompt)}</Gather>")
        return self

    def redirect(self, url: str) -> TwiML:
        self.verbs.append(f'<Redirect method="POST">{escape(url)}</Redirect>')
        return self

    def hangup(self) -> TwiML:
        self.verbs.append("<Hangup/>")
        return self

    def __str__(self) -> str:
        return '<?xml version="1.0" encoding="UTF-8"?><Response>' + "".join(self.verbs) + "</Response>"
