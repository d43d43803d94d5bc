"""Large-language-model adapter: OpenAI-compatible chat completions over HTTP, off unless configured.

Used by the assistant only to *phrase* an answer from records it already retrieved; the caller
checks the reply. Any server speaking the chat-completions protocol works (a hosted API, vLLM,
llama.cpp's server, Ollama's OpenAI endpoint…). The local double in
``dichvucong.clients.testing.llm_double`` speaks the same protocol for tests.

Protocol::

    POST {LLM_BASE_URL}/chat/completions
    Authorization: Bearer {LLM_API_KEY}          (omitted when no key is set)
    {"model": LLM_MODEL, "messages": [{"role": "system", "content": "…"}, …], "temperature": 0.2}

    200 {"choices": [{"message": {"role": "assistant", "content": "…"}}], …}

Any other status, a timeout, or an answer without ``choices[0].message.content`` raises
:class:`LlmError`; callers fall back to their own answer.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import requests
from django.conf import settings

logger = logging.getLogger(__name__)

MAX_REPLY_LENGTH = 4000


class LlmError(Exception):
    """The model could not be asked or answered nonsense; the caller falls back."""


@dataclass(frozen=True)
class ChatMessage:
    role: str  # "system", "user" or "assistant"
    content: str


class ChatCompletionsClient:
    """One chat-completions endpoint."""

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        api_key: str = "",
        timeout: float = 20,
        session: requests.Session | None = None,
    ) -> None:
        if not base_url:
            raise ValueError("base_url is required")
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.api_key = api_key
        self.timeout = timeout
        self.session = session

    def complete(
        self, messages: list[ChatMessage], *, temperature: float = 0.2, max_tokens: int = 600
    ) -> str:
        """The assistant's reply text to ``messages``."""
        body = {
            "model": self.model,
            "messages": [{"role": m.role, "content": m.content} for m in messages],
            "temperature": temperature,
            "max_tokens": max_tokens,
        }
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        post = self.session.post if self.session is not None else requests.post
        try:
            response = post(
                f"{self.base_url}/chat/completions", json=body, headers=headers, timeout=self.timeout
            )
        except requests.RequestException as exc:
            raise LlmError(f"LLM endpoint unreachable: {type(exc).__name__}: {exc}") from exc
        if response.status_code != 200:
            if response.status_code in (401, 403):
                logger.error(
                    "LLM endpoint refused our credentials (%s): check LLM_API_KEY", response.status_code
                )
            raise LlmError(f"LLM endpoint answered {response.status_code}")
        return _content(response)


def _content(response: requests.Response) -> str:
    try:
        payload: Any = response.json()
        content = payload["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise LlmError("LLM answer has no choices[0].message.content") from exc
    if not isinstance(content, str) or not content.strip():
        raise LlmError("LLM answer is empty")
    return content.strip()[:MAX_REPLY_LENGTH]


def get_llm_client() -> ChatCompletionsClient | None:
    """The configured client, or None when ``LLM_BASE_URL`` is not set (the default)."""
    base_url = getattr(settings, "LLM_BASE_URL", "")
    if not base_url:
        return None
    return ChatCompletionsClient(
        base_url=base_url,
        model=settings.LLM_MODEL,
        api_key=settings.LLM_API_KEY,
        timeout=settings.LLM_TIMEOUT,
    )
