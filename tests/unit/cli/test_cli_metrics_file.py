"""Reading evaluation reports (JSON / CSV) and cutting them into API-sized batches."""

from __future__ import annotations

from pathlib import Path

import pytest

from govhub_cli.errors import USAGE, VALIDATION, CliError
from govhub_cli.metrics_file import Metric, batches, parse_csv, parse_json, read_metrics


def test_json_object_of_name_to_value_gives_one_metric_per_key() -> None:
    assert parse_json('{"accuracy": 0.95, "f1": 0.91, "support": 1200}') == [
        Metric("accuracy", 0.95),
        Metric("f1", 0.91),
        Metric("support", 1200),
    ]


def test_json_list_and_metrics_envelope_are_read_alike() -> None:
    rows = '[{"metric_name": "accuracy", "value": 0.95}, {"metric_name": "bias_gap", "value": -0.02}]'
    assert parse_json(rows) == parse_json('{"metrics": ' + rows + "}") == [
        Metric("accuracy", 0.95),
        Metric("bias_gap", -0.02),
    ]


def test_csv_with_header_in_any_column_order_and_extra_columns() -> None:
    text = "split,value,metric_name\ntest,0.95,accuracy\ntest,12,false_positives\n\n"
    assert parse_csv(text) == [Metric("accuracy", 0.95), Metric("false_positives", 12)]


def test_tab_separated_values_are_accepted() -> None:
    assert parse_csv("metric_name\tvalue\nrecall\t0.8\n") == [Metric("recall", 0.8)]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('{"accuracy": "high"}', "must be a number"),
        ('{"accuracy": true}', "must be a number"),
        ('{"accuracy": NaN}', "not a finite number"),
        ('{"confusion": {"tp": 1}}', "must be a number"),
        ('[{"name": "accuracy", "value": 1}]', "expected an object with metric_name and value"),
        ('{"' + "x" * 65 + '": 1}', "longer than 64 characters"),
        ("[1, 2", "not valid JSON"),
    ],
)
def test_invalid_json_reports_are_refused_with_the_reason(text: str, problem: str) -> None:
    with pytest.raises(CliError) as caught:
        parse_json(text, "report.json")
    assert caught.value.exit_code == VALIDATION
    assert problem in " ".join(caught.value.details)
    assert "nothing was pushed" in caught.value.message


def test_csv_errors_name_the_line() -> None:
    with pytest.raises(CliError) as caught:
        parse_csv("metric_name,value\naccuracy,0.9\nf1,n/a\n,\nrecall,inf\n", "eval.csv")
    assert caught.value.details == [
        "line 3: value 'n/a' is not a number",
        "line 5: value of 'recall' must be finite, got inf",
    ]


def test_csv_without_the_expected_header_is_refused() -> None:
    with pytest.raises(CliError, match="1 invalid metric") as caught:
        parse_csv("name,score\naccuracy,0.9\n")
    assert "metric_name and value" in caught.value.details[0]


def test_format_is_chosen_from_extension_then_content(tmp_path: Path) -> None:
    (tmp_path / "report.json").write_text('{"a": 1}')
    (tmp_path / "report.csv").write_text("metric_name,value\na,1\n")
    (tmp_path / "report.txt").write_text('  [{"metric_name": "a", "value": 1}]')
    assert read_metrics(str(tmp_path / "report.json")) == [Metric("a", 1)]
    assert read_metrics(str(tmp_path / "report.csv")) == [Metric("a", 1)]
    assert read_metrics(str(tmp_path / "report.txt")) == [Metric("a", 1)]


def test_missing_file_is_a_usage_error_and_empty_file_a_validation_error(tmp_path: Path) -> None:
    with pytest.raises(CliError) as missing:
        read_metrics(str(tmp_path / "nope.json"))
    assert missing.value.exit_code == USAGE
    (tmp_path / "empty.json").write_text("{}")
    with pytest.raises(CliError) as empty:
        read_metrics(str(tmp_path / "empty.json"))
    assert empty.value.exit_code == VALIDATION


def test_a_thousand_metrics_make_ten_batches_of_at_most_a_hundred() -> None:
    metrics = [Metric(f"m{i}", i / 1000) for i in range(1000)]
    chunks = list(batches(metrics))
    assert len(chunks) == 10
    assert all(len(chunk) == 100 for chunk in chunks)
    assert [m for chunk in chunks for m in chunk] == metrics


def test_batch_size_outside_the_api_limit_is_refused() -> None:
    with pytest.raises(CliError):
        list(batches([Metric("a", 1)], 101))
