"""The conformance harness itself, without the AutoRest test server: per-operation generation
accounting, the report, the baseline floor, the loopback-only listen and stopping by pid."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import run
from generation import FileGeneration, generate_file
from testserver import LOOPBACK_PRELOAD, TestServer

HERE = Path(__file__).resolve().parent
NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="node is not installed")

SWAGGER = {
    "swagger": "2.0",
    "info": {"title": "Tiny", "version": "1.0.0"},
    "host": "localhost:3000",
    "schemes": ["http"],
    "paths": {
        "/widgets/good": {
            "get": {
                "operationId": "Widgets_GetGood",
                "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/W"}}},
            }
        },
        "/widgets/bad": {
            "get": {
                "operationId": "Widgets_GetBad",
                "responses": {
                    "200": {"description": "ok", "schema": {"$ref": "#/definitions/Missing"}}
                },
            }
        },
    },
    "definitions": {"W": {"properties": {"name": {"type": "string"}}}},
}


def test_scenarios_are_not_collected_by_the_default_run() -> None:
    listing = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", str(HERE)],
        cwd=HERE.parent.parent,
        capture_output=True,
        text=True,
        check=False,
        env={k: v for k, v in os.environ.items() if not k.startswith("CONFORMANCE_")},
    ).stdout
    assert "test_harness.py::" in listing
    assert not [line for line in listing.splitlines() if "/scenarios_" in line]


def test_an_operation_the_generator_cannot_build_costs_only_itself(tmp_path: Path) -> None:
    swagger = tmp_path / "tiny.json"
    # as the test server ships some of its files: with a UTF-8 byte order mark
    swagger.write_bytes(b"\xef\xbb\xbf" + json.dumps(SWAGGER).encode())
    result = generate_file(swagger, "tiny_client", tmp_path / "clients", tmp_path / "work")
    assert result.operations == ["Widgets_GetGood", "Widgets_GetBad"]
    assert result.generated == ["Widgets_GetGood"]
    assert "Missing" in result.failures["Widgets_GetBad"]
    assert str(tmp_path) not in result.failures["Widgets_GetBad"]  # no path of this machine
    assert result.package_error is None
    # the file was used as shipped, byte for byte
    assert (tmp_path / "work" / "tiny_client" / "1.0.0" / "tiny.json").read_bytes() == (
        swagger.read_bytes()
    )
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import tiny_client as t; ops = t.AutoRestClient(None, 's').widgets; "
            "print(hasattr(ops, 'get_good'), hasattr(ops, 'get_bad'))",
        ],
        cwd=tmp_path / "clients",
        capture_output=True,
        text=True,
        check=False,
    )
    assert probe.stdout.split() == ["True", "False"], probe.stderr


def test_a_file_that_generates_nothing_leaves_no_earlier_package(tmp_path: Path) -> None:
    stale = tmp_path / "clients" / "tiny_client"
    stale.mkdir(parents=True)
    (stale / "__init__.py").write_text("")
    swagger = tmp_path / "tiny.json"
    nothing = {**SWAGGER, "paths": {"/widgets/bad": SWAGGER["paths"]["/widgets/bad"]}}
    swagger.write_text(json.dumps(nothing))
    result = generate_file(swagger, "tiny_client", tmp_path / "clients", tmp_path / "work")
    assert result.generated == []
    assert not stale.exists()


def _results(**outcomes: tuple[str, str]) -> dict[str, dict[str, Any]]:
    return {
        f"tests/conformance/scenarios_lro.py::{name}": {"outcome": o, "reason": r}
        for name, (o, r) in outcomes.items()
    }


def test_the_report_counts_per_file_and_lists_quirks_with_their_reason() -> None:
    generation = FileGeneration(
        "lro.json", "autorest_lro", ["A", "B"], ["A"], {"B": "SpecError: no good"}
    )
    results = _results(
        test_a=("passed", ""),
        test_b=("xfailed", "test-server quirk: answers 200 to a DELETE of nothing"),
        test_c=("failed", "AttributeError: no begin_b"),
    )
    text = run.report([generation], results)
    assert "| lro.json | 1 / 2 | 1 / 3 | 1 | 1 |" in text
    assert "`scenarios_lro.py::test_b`: answers 200 to a DELETE of nothing" in text
    assert "1 operation(s) not generated: SpecError: no good" in text
    assert "scenario `test_c` failed: AttributeError: no begin_b" in text


def test_the_baseline_is_a_floor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run, "BASELINE", tmp_path / "baseline.json")
    generation = FileGeneration("lro.json", "autorest_lro", ["A", "B"], ["A", "B"])
    before = _results(test_a=("passed", ""), test_b=("failed", "x"))
    run.write_baseline([generation], before)
    assert run.check_baseline([generation], before) == 0
    improved = _results(test_a=("passed", ""), test_b=("passed", ""))
    assert run.check_baseline([generation], improved) == 0
    regressed = _results(test_a=("failed", "boom"), test_b=("passed", ""))
    assert run.check_baseline([generation], regressed) == 1
    fewer = FileGeneration("lro.json", "autorest_lro", ["A", "B"], ["A"])
    assert run.check_baseline([fewer], before) == 1
    quirk_passes = {
        **before,
        "tests/conformance/scenarios_lro.py::test_q": {
            "outcome": "failed",
            "reason": "[XPASS(strict)] test-server quirk: something",
        },
    }
    assert run.check_baseline([generation], quirk_passes) == 1
    assert run.check_baseline([generation], {}) == 1  # nothing ran
    only_b = _results(test_b=("passed", ""))
    assert run.check_baseline([generation], only_b) == 1  # test_a is missing
    assert run.check_baseline([generation], only_b, partial=True) == 0  # -k chose test_b


@needs_node
@pytest.mark.parametrize("host_argument", ["", ", '0.0.0.0'", ", '::'"])
def test_the_preload_makes_every_server_listen_on_127_0_0_1(host_argument: str) -> None:
    script = (
        "const s = require('http').createServer();"
        f"s.listen(0{host_argument}, () => {{ console.log(s.address().address); s.close(); }});"
    )
    out = subprocess.run(
        [NODE or "node", "--require", str(LOOPBACK_PRELOAD), "-e", script],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout
    assert out.strip() == "127.0.0.1"


def _stand_in_server(tmp_path: Path) -> Path:
    """A stand-in for the test server's cli.js that logs the way it does."""
    cli = tmp_path / "package" / "dist" / "cli" / "cli.js"
    cli.parent.mkdir(parents=True)
    cli.write_text(
        "const s = require('http').createServer((q, r) => r.end('ok'));"
        "s.listen(Number(process.argv[4]), () =>"
        " console.log('\\x1b[32minfo\\x1b[39m: Started server on port ' + s.address().port));"
    )
    return tmp_path / "package"


@needs_node
def test_the_server_is_found_on_its_port_and_stopped_by_pid(tmp_path: Path) -> None:
    _stand_in_server(tmp_path)
    server = TestServer(tmp_path / "package", tmp_path / "run" / "server.log")
    with server:
        assert server.base_url.startswith("http://127.0.0.1:")
        pid = server.pid
        assert pid is not None
        os.kill(pid, 0)  # running
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    with pytest.raises(RuntimeError, match="not running"):
        _ = server.base_url


@needs_node
def test_a_terminated_run_still_stops_the_server(tmp_path: Path) -> None:
    package = _stand_in_server(tmp_path)
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time, pathlib; sys.path[:0] = [sys.argv[1]];"
            "import run; from testserver import TestServer; run.exit_on_sigterm();"
            "s = TestServer(pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3]));"
            "s.__enter__(); print(s.pid, flush=True); time.sleep(60)",
            str(HERE),
            str(package),
            str(tmp_path / "run" / "server.log"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    server_pid = int(child.stdout.readline())
    os.kill(server_pid, 0)  # running
    child.terminate()
    assert child.wait(timeout=30) == 128 + 15
    with pytest.raises(ProcessLookupError):
        os.kill(server_pid, 0)
