import dataclasses

import pytest

from lambda_stream.core.options import Options, OptionsError, resolve_options


def test_defaults_apply_when_nothing_is_set() -> None:
    assert resolve_options({}) == Options()


def test_the_defaults_are_the_js_librarys() -> None:
    options = Options()
    assert (
        options.parallel,
        options.bus_source,
        options.max_request_size,
        options.compression_threshold,
        options.faults_batch_size,
    ) == (4, "custom", 262_144, 10_240, 4)


def test_an_environment_variable_overrides_the_default() -> None:
    assert resolve_options({"PARALLEL": "16"}).parallel == 16


def test_an_explicit_value_overrides_the_environment() -> None:
    assert resolve_options({"PARALLEL": "16"}, parallel=2).parallel == 2


def test_an_explicit_none_overrides_the_environment() -> None:
    assert resolve_options({"BATCH_SIZE": "5"}, batch_size=None).batch_size is None


def test_an_empty_environment_variable_counts_as_unset() -> None:
    assert resolve_options({"PARALLEL": "", "BUS_SRC": ""}) == Options()


def test_the_process_environment_is_read_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BUS_NAME", "the-bus")
    assert resolve_options().bus_name == "the-bus"


@pytest.mark.parametrize(
    ("variable", "field", "raw", "expected"),
    [
        ("BATCH_SIZE", "batch_size", "25", 25),
        ("BUS_NAME", "bus_name", "bus", "bus"),
        ("BUS_SRC", "bus_source", "external", "external"),
        ("DEBUG", "debug", "pl:*", "pl:*"),
        ("AWS_REGION", "region", "eu-west-1", "eu-west-1"),
        ("AWS_DEFAULT_REGION", "region", "eu-west-1", "eu-west-1"),
        ("ACCOUNT_NAME", "account_name", "dev", "dev"),
        ("AWS_LAMBDA_FUNCTION_NAME", "function_name", "fn", "fn"),
        ("MAX_REQ_SIZE", "max_request_size", "1000", 1000),
        ("COMPRESSION_THRESHOLD", "compression_threshold", " 512 ", 512),
    ],
)
def test_each_variable_sets_its_option(
    variable: str, field: str, raw: str, expected: object
) -> None:
    assert getattr(resolve_options({variable: raw}), field) == expected


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"STAGE": "qa", "SERVERLESS_STAGE": "dev"}, "qa"),
        ({"SERVERLESS_STAGE": "dev"}, "dev"),
        ({"STAGE": "", "SERVERLESS_STAGE": "dev"}, "dev"),
    ],
)
def test_stage_reads_stage_then_serverless_stage(environ: dict[str, str], expected: str) -> None:
    assert resolve_options(environ).stage == expected


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"SERVICE": "s", "PROJECT": "p", "SERVERLESS_PROJECT": "sp"}, "s"),
        ({"PROJECT": "p", "SERVERLESS_PROJECT": "sp"}, "p"),
        ({"SERVERLESS_PROJECT": "sp"}, "sp"),
    ],
)
def test_service_reads_service_then_project_then_serverless_project(
    environ: dict[str, str], expected: str
) -> None:
    assert resolve_options(environ).service == expected


def test_region_prefers_aws_region_to_the_default_region() -> None:
    environ = {"AWS_REGION": "us-west-2", "AWS_DEFAULT_REGION": "eu-west-1"}
    assert resolve_options(environ).region == "us-west-2"


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"FAULTS_BATCH_SIZE": "2", "BATCH_SIZE": "7"}, 2),
        ({"BATCH_SIZE": "7"}, 7),
        ({"FAULTS_BATCH_SIZE": "", "BATCH_SIZE": "7"}, 7),
    ],
)
def test_faults_batch_size_reads_faults_batch_size_then_batch_size(
    environ: dict[str, str], expected: int
) -> None:
    assert resolve_options(environ).faults_batch_size == expected


def test_pipeline_lists_are_comma_separated_and_trimmed() -> None:
    options = resolve_options({"ENABLED_PIPELINES": " a, b,,c ", "DISABLED_PIPELINES": "x"})
    assert (options.enabled_pipelines, options.disabled_pipelines) == (("a", "b", "c"), ("x",))


@pytest.mark.parametrize(("raw", "expected"), [("test", True), ("production", False)])
def test_node_env_test_turns_on_test_mode(raw: str, expected: bool) -> None:
    assert resolve_options({"NODE_ENV": raw}).test_mode is expected


@pytest.mark.parametrize(
    ("raw", "expected"), [("true", True), ("1", True), ("ON", True), ("false", False), ("0", False)]
)
def test_report_batch_item_failures_is_a_flag(raw: str, expected: bool) -> None:
    assert resolve_options({"REPORT_BATCH_ITEM_FAILURES": raw}).partial_batch_response is expected


# -- pipeline_enabled -----------------------------------------------------------------------


def test_every_pipeline_runs_by_default() -> None:
    assert Options().pipeline_enabled("p1") is True


def test_only_enabled_pipelines_run_when_some_are_enabled() -> None:
    options = Options(enabled_pipelines=("p1",))
    assert (options.pipeline_enabled("p1"), options.pipeline_enabled("p2")) == (True, False)


def test_a_disabled_pipeline_does_not_run() -> None:
    options = Options(disabled_pipelines=("p1",))
    assert (options.pipeline_enabled("p1"), options.pipeline_enabled("p2")) == (False, True)


def test_disabling_wins_over_enabling() -> None:
    options = Options(enabled_pipelines=("p1",), disabled_pipelines=("p1",))
    assert options.pipeline_enabled("p1") is False


# -- validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "variable",
    ["PARALLEL", "BATCH_SIZE", "MAX_REQ_SIZE", "COMPRESSION_THRESHOLD", "FAULTS_BATCH_SIZE"],
)
@pytest.mark.parametrize("raw", ["abc", "0", "-3", "1.5"])
def test_an_unusable_number_raises_naming_the_variable(variable: str, raw: str) -> None:
    with pytest.raises(OptionsError) as raised:
        resolve_options({variable: raw})
    assert str(raised.value) == f"{variable} must be a positive integer, got {raw!r}"


@pytest.mark.parametrize(
    "field",
    ["parallel", "batch_size", "max_request_size", "compression_threshold", "faults_batch_size"],
)
@pytest.mark.parametrize("value", [0, -1, True, "4"])
def test_an_unusable_explicit_number_raises_naming_the_option(field: str, value: object) -> None:
    with pytest.raises(OptionsError, match=f"option {field} must be a positive integer"):
        Options(**{field: value})  # type: ignore[arg-type]  # the point: a bad value


def test_an_options_error_is_a_value_error() -> None:
    assert issubclass(OptionsError, ValueError)


def test_options_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        Options().parallel = 8  # type: ignore[misc]  # the point: frozen
