"""SNS events as Lambda delivers them to a subscribed function."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from lambda_stream.core.json import JsonValue
from lambda_stream.testing.sqs import _or

__all__ = ["to_sns_records"]

# The JS helper's Subject when a message has none.
DEFAULT_SUBJECT = "TestSubject"


def to_sns_records(messages: Iterable[Mapping[str, JsonValue]]) -> dict[str, object]:
    """A Lambda SNS event with one record per message, shaped as the JS helper shapes it.

    A message is ``{msg, subject, attributes}``, each optional: ``msg`` becomes
    ``Sns.Message``, ``attributes`` the ``MessageAttributes`` (``{}`` by default) and
    ``subject`` the ``Subject`` (``TestSubject`` by default).

    >>> to_sns_records([{"msg": "hello"}])["Records"][0]["Sns"]
    {'MessageId': '00000000-0000-0000-0000-000000000000', 'Message': 'hello', \
'MessageAttributes': {}, 'Subject': 'TestSubject'}
    """
    out = []
    for index, message in enumerate(messages):
        # string concatenation, as in the JS helper: index 10 gives 13 trailing digits
        sns: dict[str, object] = {"MessageId": f"00000000-0000-0000-0000-00000000000{index}"}
        if "msg" in message:
            sns["Message"] = message["msg"]
        sns["MessageAttributes"] = _or(message.get("attributes"), {})
        sns["Subject"] = _or(message.get("subject"), DEFAULT_SUBJECT)
        out.append({"EventSource": "aws:sns", "Sns": sns})
    return {"Records": out}
