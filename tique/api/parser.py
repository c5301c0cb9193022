"""Request bodies: every JSON body the API reads is an object. ninja would otherwise
read `[1, 2]` or `null` sent to an operation whose fields are all optional as an empty
object, and answer 200 to nonsense."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from ninja.parser import Parser


class JsonObjectParser(Parser):
    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = json.loads(request.body)
        if not isinstance(data, dict):
            # ninja turns any failure here into a 400 "cannot parse" error.
            raise ValueError("the body must be a JSON object")
        return data
