from lambda_stream.core.event import Event
from lambda_stream.core.json import JsonObject, JsonValue, freeze
from lambda_stream.core.uow import Key, UnitOfWork
from lambda_stream.utils.redact import UNDECRYPTED_EVENT, trim_and_redact

SECRET: dict[str, JsonValue] = {
    "id": "1",
    "type": "thing-created",
    "thing": {"name": "one", "ssn": "123-45-6789", "card": {"pin": "4111"}},
    "eem": {"fields": ["ssn", "pin"]},
}
RECORD = freeze({"kinesis": {"data": "eyJzc24iOiIxMjMifQ=="}, "ssn": "on the record"})
REQUEST = Key[JsonObject]("updateRequest")
BLOB = Key[bytes]("blob")
OTHER = Key[object]("other")


def _uow(event: dict[str, JsonValue] = SECRET) -> UnitOfWork:
    return UnitOfWork(record=RECORD, event=Event.from_dict(event), pipeline="p1")


def test_the_record_stays_exactly_as_received() -> None:
    assert trim_and_redact(_uow())["record"] == RECORD


def test_the_pipeline_is_kept() -> None:
    assert trim_and_redact(_uow())["pipeline"] == "p1"


def test_eem_fields_of_the_event_are_redacted_at_any_depth() -> None:
    event = trim_and_redact(_uow())["event"]
    assert event == {
        "id": "1",
        "type": "thing-created",
        "thing": {"name": "one", "ssn": "[REDACTED]", "card": {"pin": "[REDACTED]"}},
        "eem": {"fields": ["ssn", "pin"]},
    }


def test_eem_fields_are_redacted_in_the_added_values() -> None:
    uow = _uow().set(REQUEST, JsonObject({"Item": {"pin": "4111", "name": "one"}}))
    assert trim_and_redact(uow)["updateRequest"] == {"Item": {"pin": "[REDACTED]", "name": "one"}}


def test_an_added_value_named_in_eem_fields_is_redacted() -> None:
    uow = _uow().set(Key[str]("ssn"), "123-45-6789")
    assert trim_and_redact(uow)["ssn"] == "[REDACTED]"


def test_nothing_is_redacted_without_eem_fields() -> None:
    plain: dict[str, JsonValue] = {"id": "1", "type": "t", "ssn": "123"}
    assert trim_and_redact(_uow(plain))["event"] == plain


def test_the_fields_of_every_batch_member_apply_to_the_whole_batch() -> None:
    plain: dict[str, JsonValue] = {"id": "2", "type": "t", "ssn": "456"}
    batch = UnitOfWork(record=None).with_batch((_uow(), _uow(plain)))
    members = trim_and_redact(batch)["batch"]
    assert isinstance(members, list)
    assert members[1]["event"]["ssn"] == "[REDACTED]"


def test_the_batch_fields_apply_to_the_batch_uows_own_values() -> None:
    batch = UnitOfWork(record=None).with_batch((_uow(),))
    out = trim_and_redact(batch.set(REQUEST, JsonObject({"ssn": "1"})))
    assert out["updateRequest"] == {"ssn": "[REDACTED]"}


def test_bytes_are_written_as_their_length() -> None:
    assert trim_and_redact(_uow().set(BLOB, b"\x00\x01\x02"))["blob"] == "[BUFFER: 3]"


def test_frozen_bytes_are_written_as_their_length() -> None:
    uow = _uow().set(REQUEST, JsonObject({"Body": b"abcd"}))
    assert trim_and_redact(uow)["updateRequest"] == {"Body": "[BUFFER: 4]"}


def test_a_value_that_contains_itself_is_circular_where_it_recurs() -> None:
    loop: dict[str, object] = {"name": "loop"}
    loop["self"] = loop
    assert trim_and_redact(_uow().set(OTHER, loop))["other"] == {
        "name": "loop",
        "self": "[CIRCULAR]",
    }


def test_a_value_shared_by_two_members_is_written_out_in_both() -> None:
    """Deliberate difference #5 (conformance README): only a real cycle is "[CIRCULAR]".

    The JS library writes "[CIRCULAR]" for any object it has seen before, so the entries of a
    failed EventBridge batch that every member shares come out as "[CIRCULAR]" after the first.
    """
    shared = JsonObject({"Entries": [{"Detail": "{}"}]})
    members = tuple(_uow().set(REQUEST, shared) for _ in range(2))
    out = trim_and_redact(UnitOfWork(record=None).with_batch(members))
    assert isinstance(out["batch"], list)
    assert [member["updateRequest"] for member in out["batch"]] == [shared, shared]


def test_a_plain_value_shared_twice_in_one_uow_is_written_out_twice() -> None:
    """Deliberate difference #5 (conformance README): a shared, non-circular value is repeated."""
    shared = {"k": "v"}
    out = trim_and_redact(_uow().set(OTHER, [shared, shared]))
    assert out["other"] == [{"k": "v"}, {"k": "v"}]


def test_the_undecrypted_event_replaces_the_event() -> None:
    ciphertext = Event.from_dict({**SECRET, "thing": "U2FsdGVkX1..."})
    uow = _uow({"id": "1", "type": "thing-created", "thing": {"ssn": "plain"}})
    out = trim_and_redact(uow.set(UNDECRYPTED_EVENT, ciphertext))
    assert out["event"] == {**SECRET, "thing": "U2FsdGVkX1..."}


def test_the_undecrypted_event_is_not_written_under_its_own_name() -> None:
    uow = _uow().set(UNDECRYPTED_EVENT, Event.from_dict(SECRET))
    assert "undecryptedEvent" not in trim_and_redact(uow)


def test_the_undecrypted_events_eem_fields_are_redacted() -> None:
    plain = Event.from_dict({"id": "1", "type": "t", "ssn": "123"})
    ciphertext = Event.from_dict({"id": "1", "type": "t", "ssn": "x", "eem": {"fields": ["ssn"]}})
    uow = UnitOfWork(record=None, event=plain).set(UNDECRYPTED_EVENT, ciphertext)
    assert trim_and_redact(uow)["event"] == {**ciphertext.to_dict(), "ssn": "[REDACTED]"}


def test_the_encryption_responses_are_dropped() -> None:
    uow = (
        _uow()
        .set(Key[JsonObject]("encryptResponse"), JsonObject({"k": 1}))
        .set(Key[JsonObject]("decryptResponse"), JsonObject({"k": 2}))
    )
    assert list(trim_and_redact(uow)) == ["pipeline", "record", "event"]


def test_a_nested_uow_is_trimmed_too() -> None:
    out = trim_and_redact(UnitOfWork(record=None).set(Key[UnitOfWork]("inner"), _uow()))
    assert out["inner"] == trim_and_redact(_uow())


def test_sets_and_tuples_are_written_as_lists() -> None:
    out = trim_and_redact(_uow().set(OTHER, (frozenset({"a"}), ("b",))))
    assert out["other"] == [["a"], ["b"]]


def test_the_js_librarys_recorded_batch_case() -> None:
    """Case trimAndRedact-batch of utils.json (types added: an Event needs one).

    A uow without a record writes ``"record": None`` where JS leaves the key out.
    """
    first = UnitOfWork(
        record=freeze({"r": 1}),
        event=Event.from_dict(
            {"id": "1", "type": "t", "secret": "s1", "eem": {"fields": ["secret"]}}
        ),
        pipeline="p1",
    )
    second = UnitOfWork(
        record=freeze({"r": 2}),
        event=Event.from_dict({"id": "2", "type": "t", "secret": "plain"}),
        pipeline="p1",
    ).set(
        UNDECRYPTED_EVENT,
        Event.from_dict({"id": "2", "type": "t", "secret": "s2", "eem": {"fields": ["secret"]}}),
    )
    batch = (
        UnitOfWork(record=None)
        .with_batch((first, second))
        .set(REQUEST, JsonObject({"Entries": [{"Detail": '{"secret":"s1"}'}]}))
        .set(Key[str]("secret"), "outer")
    )
    redacted_event = {"type": "t", "secret": "[REDACTED]", "eem": {"fields": ["secret"]}}
    assert trim_and_redact(batch) == {
        "record": None,
        "batch": [
            {"pipeline": "p1", "record": {"r": 1}, "event": {"id": "1", **redacted_event}},
            {"pipeline": "p1", "record": {"r": 2}, "event": {"id": "2", **redacted_event}},
        ],
        "updateRequest": {"Entries": [{"Detail": '{"secret":"s1"}'}]},
        "secret": "[REDACTED]",
    }
