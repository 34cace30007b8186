"""The error an endpoint answers with: an HTTP status and a one-line message."""

from __future__ import annotations

from http import HTTPStatus


class HttpError(Exception):
    """A request the endpoint answers with an error status and a one-line message."""

    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status
