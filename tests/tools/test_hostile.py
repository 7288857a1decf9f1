"""The hostile corpus through the engine: each item has its expected outcome, within 2 s and
bounded memory (issue 17, point 11). The corpus: tests/data/hostile/*.yaml."""

import resource
import time

import pytest
from pydantic import ValidationError

from tests.utils.hostile import item_text, load_items, upload_file
from tools.identifiers import parse_identifier
from tools.ingest.pipeline import ingest_paths
from tools.payments import extract_payment_details
from tools.search.text import analyse
from tools.store import connect_store
from tools.trace import TraceRequest, load_case_graph, trace

ITEMS = load_items()
SECONDS = 2.0
PEAK_BYTES = 500 * 2**20  # the budget per item


def measured(run):
    """(result or exception, CPU seconds, growth of the process's peak RSS in bytes).

    CPU time, so that other work on a shared machine does not fail the test; the peak RSS
    grows only if the item needs more memory than anything run before it in this process.
    """
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.process_time()
    try:
        outcome = run()
    except Exception as exc:  # noqa: BLE001 - the item's expectation says which
        outcome = exc
    seconds = time.process_time() - start
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) * 1024
    return outcome, seconds, grown


def test_the_corpus_covers_every_kind_and_outcome():
    assert len({i["name"] for i in ITEMS}) == len(ITEMS)
    assert {i["kind"] for i in ITEMS} == {"upload", "text", "trace_param"}
    assert {i["expect"]["status"] for i in ITEMS} == {"rejected", "imported", "error", "ok"}


@pytest.mark.parametrize("item", [i for i in ITEMS if i["kind"] in ("upload", "text")],
                         ids=lambda i: i["name"])
def test_upload(item, tmp_path):
    name, content = upload_file(item)
    path = tmp_path / "in" / name
    path.parent.mkdir()
    path.write_bytes(content)
    def run():
        store = connect_store(f"sqlite:///{tmp_path / 'case.db'}", tmp_path / "evidence")
        (report,) = ingest_paths(store, "c", [path]).files
        return store, report

    outcome, seconds, peak = measured(run)
    assert not isinstance(outcome, Exception), outcome
    store, report = outcome
    expect = item["expect"]
    assert report.status == expect["status"], report.error
    if expect["status"] == "rejected":
        assert expect["reason_contains"] in report.error
        assert report.error.startswith(f"{name}") and "\n" not in report.error
    else:
        # The case keeps working: a trace and the graph load after the import.
        cg = load_case_graph(store, "c")
        if cg.graph.number_of_nodes():
            trace(cg, TraceRequest(addresses=list(cg.graph.nodes)[:1]))
    assert seconds < SECONDS, f"{seconds:.2f} s"
    assert peak < PEAK_BYTES, f"{peak / 2**20:.0f} MB"


@pytest.mark.parametrize("item", [i for i in ITEMS if i["kind"] == "text"],
                         ids=lambda i: i["name"])
def test_text_analysis(item):
    text = item_text(item)

    def run():
        extract_payment_details(text)
        analyse(text)
        return parse_identifier(text)

    outcome, seconds, peak = measured(run)
    assert not isinstance(outcome, Exception), outcome
    assert seconds < SECONDS and peak < PEAK_BYTES


@pytest.mark.parametrize("item", [i for i in ITEMS if i["kind"] == "trace_param"],
                         ids=lambda i: i["name"])
def test_trace_param(item, sqlite_store, tmp_path):
    expect = item["expect"]
    start = time.process_time()
    if expect["status"] == "error":
        with pytest.raises(ValidationError) as err:
            TraceRequest(**item["params"])
        assert expect["reason_contains"] in str(err.value)
    else:
        result = trace(load_case_graph(sqlite_store, "c"), TraceRequest(**item["params"]))
        assert result.endpoints == []
    assert time.process_time() - start < SECONDS


def test_fake_usdt_and_poisoning_items_trace_as_what_they_are(tmp_path):
    items = {i["name"]: i for i in ITEMS}
    store = connect_store(f"sqlite:///{tmp_path / 'case.db'}", tmp_path / "evidence")
    paths = []
    for name in ("trongrid_fake_usdt", "trongrid_address_poisoning"):
        file, content = upload_file(items[name])
        (tmp_path / file).write_bytes(content)
        paths.append(tmp_path / file)
    assert [f.status for f in ingest_paths(store, "c", paths).files] == ["imported"] * 2
    result = trace(load_case_graph(store, "c"),
                   TraceRequest(addresses=["TJCnKsPa7y5okkXvQAidZBzqx3QyQ6sxMW"]))
    assert (result.token, result.traced) == ("USDT", "1500")
    assert result.other_tokens[0].label.startswith("USDT-named token, contract T")
    assert result.poisoning_excluded >= 1
