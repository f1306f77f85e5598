"""What the browser journeys share: a password, an SMTP sink that keeps every message, screenshots."""

import email
import email.policy
import time
from pathlib import Path

PASSWORD = "a long unusual passphrase"
SHOTS = Path("/tmp/shots")  # screenshots of the journeys, for a person to look at after a run


class SmtpSink:
    """aiosmtpd handler keeping every message, with its envelope recipients in X-Envelope-To."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 OK"

    def wait_for(self, predicate, timeout: float = 15.0) -> list:
        """The messages matching `predicate`, once there is at least one."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [message for message in self.messages if predicate(message)]
            if found:
                return found
            time.sleep(0.1)
        raise AssertionError(f"no such message among {len(self.messages)}")

    def wait_for_count(self, count: int, timeout: float = 15.0) -> list:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(self.messages) >= count, f"the sink got {len(self.messages)} messages"
        return self.messages


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def watch_csp_violations(page) -> list[str]:
    """The console's reports of Content-Security-Policy violations on `page`, kept as they come."""
    violations = []

    def keep(message):
        if message.type == "error" and "Content Security Policy" in message.text:
            violations.append(f"{page.url}: {message.text}")

    page.on("console", keep)
    return violations
