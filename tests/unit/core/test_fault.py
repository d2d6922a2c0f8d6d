from lambda_stream.core.errors import RetryableError
from lambda_stream.core.event import Event
from lambda_stream.core.fault import Fault, uows_of
from lambda_stream.core.json import freeze
from lambda_stream.core.uow import UnitOfWork


def _uow(n: int, pipeline: str | None = "p1") -> UnitOfWork:
    return UnitOfWork(record=freeze({"n": n}), event=Event(id=str(n), type="t"), pipeline=pipeline)


def _raised(error: Exception) -> Exception:
    try:
        raise error
    except Exception as caught:
        return caught


def test_of_names_the_error_type() -> None:
    assert Fault.of(KeyError("k"), _uow(1)).name == "KeyError"


def test_of_takes_the_error_message() -> None:
    assert Fault.of(ValueError("bad input"), _uow(1)).message == "bad input"


def test_of_formats_the_traceback_into_the_stack() -> None:
    stack = Fault.of(_raised(ValueError("bad input")), _uow(1)).stack
    assert "Traceback (most recent call last)" in stack
    assert "in _raised" in stack
    assert stack.endswith("ValueError: bad input")


def test_of_keeps_the_subject_and_the_error() -> None:
    uow, error = _uow(1), ValueError("x")
    fault = Fault.of(error, uow)
    assert (fault.subject, fault.error) == (uow, error)


def test_of_holds_the_failing_uow() -> None:
    uow = _uow(1)
    assert Fault.of(ValueError("x"), uow).uows == (uow,)


def test_of_holds_the_members_of_a_batch_uow() -> None:
    members = (_uow(1), _uow(2))
    assert Fault.of(ValueError("x"), _uow(0).with_batch(members)).uows == members


def test_of_holds_the_uows_of_a_tuple() -> None:
    uows = (_uow(1), _uow(2))
    assert Fault.of(ValueError("x"), uows).uows == uows


def test_of_uses_the_error_policy_for_retryable() -> None:
    assert Fault.of(RetryableError("later"), _uow(1)).retryable is True


def test_of_is_not_retryable_for_an_ordinary_error() -> None:
    assert Fault.of(ValueError("x"), _uow(1)).retryable is False


def test_of_lets_the_caller_decide_retryable() -> None:
    assert Fault.of(RetryableError("later"), _uow(1), retryable=False).retryable is False


def test_pipeline_is_the_first_uows_pipeline() -> None:
    assert Fault.of(ValueError("x"), _uow(1, "p9")).pipeline == "p9"


def test_pipeline_is_none_without_uows() -> None:
    assert Fault.of(ValueError("x"), "not a uow").pipeline is None


def test_equality_ignores_subject_and_error() -> None:
    first = Fault(uows=(), name="E", message="m", subject=1, error=ValueError("a"))
    second = Fault(uows=(), name="E", message="m", subject=2, error=ValueError("b"))
    assert first == second


# -- expand ---------------------------------------------------------------------------------


def test_expand_gives_one_fault_per_member() -> None:
    members = (_uow(1), _uow(2))
    faults = Fault.of(ValueError("x"), _uow(0).with_batch(members)).expand()
    assert [fault.uows for fault in faults] == [(members[0],), (members[1],)]


def test_expand_makes_each_member_the_subject_of_its_fault() -> None:
    members = (_uow(1), _uow(2))
    faults = Fault.of(ValueError("x"), members).expand()
    assert [fault.subject for fault in faults] == list(members)


def test_expand_keeps_the_error_details() -> None:
    error = _raised(RetryableError("later"))
    fault = Fault.of(error, (_uow(1), _uow(2)))
    details = {(f.name, f.message, f.stack, f.retryable, f.error) for f in fault.expand()}
    assert details == {(fault.name, fault.message, fault.stack, True, error)}


def test_expand_of_a_single_uow_fault_is_the_fault_itself() -> None:
    fault = Fault.of(ValueError("x"), _uow(1))
    assert fault.expand() == (fault,)
    assert fault.expand()[0] is fault


def test_expand_of_a_fault_without_uows_is_the_fault_itself() -> None:
    fault = Fault.of(ValueError("x"), None)
    assert fault.expand()[0] is fault


# -- uows_of --------------------------------------------------------------------------------


def test_uows_of_a_uow_is_the_uow() -> None:
    uow = _uow(1)
    assert uows_of(uow) == (uow,)


def test_uows_of_a_batch_uow_are_its_members() -> None:
    members = (_uow(1), _uow(2))
    assert uows_of(_uow(0).with_batch(members)) == members


def test_uows_of_a_tuple_flattens_batches_and_nested_sequences() -> None:
    a, b, c, d = _uow(1), _uow(2), _uow(3), _uow(4)
    assert uows_of((a, _uow(0).with_batch((b, c)), [d, "other"])) == (a, b, c, d)


def test_uows_of_a_list_is_its_uows() -> None:
    a, b = _uow(1), _uow(2)
    assert uows_of([a, b]) == (a, b)


def test_uows_of_anything_else_is_empty() -> None:
    assert (uows_of(None), uows_of("uow"), uows_of({"record": 1})) == ((), (), ())
