"""SMS backends: how a text message leaves the site.

settings.SMS_BACKEND names one by dotted path:
- `inbox.sms.LogBackend` (development): writes the message to the log, sends nothing;
- `inbox.sms.GatewayBackend`: POSTs JSON to the SMS gateway at SMS_GATEWAY_URL
  (`{"mobile": ..., "text": ..., "sign": ...}`, `Authorization: Bearer SMS_GATEWAY_TOKEN`)
  and counts any 2xx answer as taken. A carrier's own API sits behind a small adapter
  speaking this, on the intranet.
A backend's `send(mobile, text)` raises SmsError when the message was not taken; the
outbox (inbox.texts) then tries again later.
"""

import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("inbox.sms")


class SmsError(Exception):
    """The gateway did not take the message."""


class LogBackend:
    def send(self, mobile: str, text: str) -> None:
        logger.info("SMS to %s: %s", mobile, text)


class GatewayBackend:
    def __init__(self) -> None:
        self.url = settings.SMS_GATEWAY_URL
        self.token = settings.SMS_GATEWAY_TOKEN
        self.timeout = settings.SMS_GATEWAY_TIMEOUT

    def send(self, mobile: str, text: str) -> None:
        payload = json.dumps(
            {"mobile": mobile, "text": text, "sign": settings.SMS_SIGN}, ensure_ascii=False
        ).encode()
        if not self.url.startswith(("http://", "https://")):
            raise SmsError("SMS_GATEWAY_URL must be an http or https address")
        request = urllib.request.Request(  # noqa: S310 - scheme checked above
            self.url,
            data=payload,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {self.token}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                status = response.status
        except urllib.error.HTTPError as error:
            raise SmsError(f"gateway answered {error.code}") from error
        except (urllib.error.URLError, OSError, TimeoutError) as error:
            raise SmsError(f"gateway unreachable: {error}") from error
        if not 200 <= status < 300:
            raise SmsError(f"gateway answered {status}")


def get_backend():
    return import_string(settings.SMS_BACKEND)()
