"""Sending an alert to the office's webhook: JSON over HTTPS, signed, retried."""

from __future__ import annotations

import hashlib
import hmac
import logging

import httpx
import orjson
from tenacity import retry, retry_if_exception, stop_after_attempt, wait_exponential

from tools.watch.models import Alert

log = logging.getLogger(__name__)


class WebhookError(Exception):
    """The webhook did not take the alert (after retries); the alert stays undelivered."""


def _retryable(exc: BaseException) -> bool:
    if isinstance(exc, httpx.HTTPStatusError):
        return exc.response.status_code == 429 or exc.response.status_code >= 500
    return isinstance(exc, httpx.TransportError)


def alert_body(alert: Alert) -> bytes:
    return orjson.dumps({"event": "tergeu.alert", "alert": alert.model_dump(mode="json")})


def deliver(client: httpx.Client, url: str, alert: Alert, secret: str | None = None,
            attempts: int = 4, wait_max: float = 10.0) -> None:
    """POST `alert` to `url`; the receiver tells repeats apart by `alert.id` (at least once).

    Raises:
        WebhookError: refused (4xx) or still failing after `attempts`.
    """
    body = alert_body(alert)
    headers = {"Content-Type": "application/json", "X-Tergeu-Alert": str(alert.id)}
    if secret:
        mac = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        headers["X-Tergeu-Signature"] = f"sha256={mac}"

    @retry(retry=retry_if_exception(_retryable), stop=stop_after_attempt(attempts),
           wait=wait_exponential(multiplier=0.2, max=wait_max), reraise=True)
    def post() -> None:
        client.post(url, content=body, headers=headers,
                    follow_redirects=False).raise_for_status()

    try:
        post()
    except httpx.HTTPError as exc:
        raise WebhookError(f"webhook {url.split('?')[0]}: {exc}") from exc
    log.info("alert %d delivered to the webhook", alert.id)
