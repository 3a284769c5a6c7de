"""Operation constructs of ordinary Swagger, generated from a description of our own, imported
and exercised against a loopback server: what goes on the wire and what comes back."""

from __future__ import annotations

import asyncio
import base64
import datetime
import importlib
import json
import os
import shutil
import subprocess
import sys
import typing
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import vmss_runcommands.runtime
from azure.core.serialization import AzureJSONEncoder
from operation_fixture import API_VERSION, spec, write_host_spec, write_spec
from recording_server import FakeCredential, RecordingServer

from codegen.generate import render_tree
from codegen.load import SpecError

RUNTIME = Path(vmss_runcommands.runtime.__file__).parent
MODULE = "v" + API_VERSION.replace("-", "_")


def _build(root: Path, spec_root: Path, prefix: str) -> ModuleType:
    package = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        render_tree(spec_root, root / "out" / package)
    shutil.copytree(
        RUNTIME, root / "out" / package / "runtime", ignore=shutil.ignore_patterns("__pycache__")
    )
    importlib.invalidate_caches()
    return importlib.import_module(package)


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ModuleType, ModuleType]]:
    root = tmp_path_factory.mktemp("operations")
    sys.path.insert(0, str(root / "out"))
    try:
        ops = _build(root, write_spec(root / "ops"), "ops")
        host = _build(root, write_host_spec(root / "host"), "host")
        yield ops, host
    finally:
        sys.path.remove(str(root / "out"))


@pytest.fixture(scope="module")
def server() -> Iterator[RecordingServer]:
    running = RecordingServer()
    yield running
    running.stop()


@pytest.fixture
def client(packages: tuple[ModuleType, ModuleType], server: RecordingServer) -> Iterator[Any]:
    server.clear()
    ops, _ = packages
    with ops.OpsClient(
        FakeCredential(), "sub", region="west/1", base_url=server.url, polling_interval=0
    ) as made:
        yield made


def _models(package: ModuleType) -> ModuleType:
    return importlib.import_module(f"{package.__name__}.{MODULE}.models")


def _operations(package: ModuleType) -> ModuleType:
    return importlib.import_module(f"{package.__name__}.{MODULE}.operations")


def _query(server: RecordingServer) -> list[tuple[str, str]]:
    """The last request's query pairs as sent (decoded), in order."""
    return parse_qsl(urlsplit(server.requests[-1].path).query, keep_blank_values=True)


def _azure_core(value: object) -> str:
    text: str = json.loads(json.dumps(value, cls=AzureJSONEncoder))
    return text


def test_generated_operations_pass_mypy_strict(
    packages: tuple[ModuleType, ModuleType], tmp_path: Path
) -> None:
    out = Path(packages[0].__file__ or "").parent.parent
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--python-version",
            "3.10",
            "--cache-dir",
            str(tmp_path / "cache"),
            "-p",
            packages[0].__name__,
            "-p",
            packages[1].__name__,
        ],
        cwd=out,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_parameter_enum_and_date_types_are_imported(
    packages: tuple[ModuleType, ModuleType],
) -> None:
    operations = _operations(packages[0])
    hints = typing.get_type_hints(operations.ParamsOperations.query)
    # Shade is used by no model, only by a parameter.
    assert hints["shade"] == operations.Shade | str | None
    assert hints["span"] == datetime.timedelta | None
    assert hints["day"] == datetime.date | None


def test_path_parameters_of_every_type(
    packages: tuple[ModuleType, ModuleType], client: Any, server: RecordingServer
) -> None:
    models = _models(packages[0])
    client.params.path(
        7, False, datetime.date(2031, 5, 1), models.Color.BLUE, ["a/b", "c d"], "x/y%20z"
    )
    path = urlsplit(server.requests[-1].path).path
    # each array element is encoded, the csv comma is not; x-ms-skip-url-encoding sends the
    # value as it is; the constant "" is written into the template.
    assert path == "/params/path/7/false/2031-05-01/Blue/a%2Fb,c%20d/x/y%20z/"
    with pytest.raises(ValueError, match="int_path must not be None"):
        client.params.path(None, True, datetime.date(2031, 5, 1), "Red", ["a"], "r")
    with pytest.raises(ValueError, match="list_path must not be an empty list"):
        client.params.path(1, True, datetime.date(2031, 5, 1), "Red", [], "r")


def test_query_parameters_are_serialized_as_azure_core_does(
    client: Any, server: RecordingServer
) -> None:
    when = datetime.datetime(
        2031, 5, 1, 12, 30, 5, 250000, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
    )
    span = datetime.timedelta(days=1, hours=2, minutes=3, seconds=4, microseconds=500000)
    client.params.query(
        int=0,
        long=2**40,
        flag=True,
        number=1.5,
        color="Red",
        shade="Pastel",
        when=when,
        day=datetime.date(2031, 1, 2),
        span=span,
        blob=b"\x00\xffhi",
        csv=["a,b", "", None],
        ssv=["a", "b"],
        tsv=["a", "b"],
        pipes=[1, 2],
        multi=["x", "y"],
        colors=["Red", "Blue"],
        filter_expression="name eq 'a&b'",
        raw="a%2Cb",
        url_parameter="shadows nothing",
    )
    sent = _query(server)
    assert ("int", "0") in sent and ("long", str(2**40)) in sent
    assert ("flag", "true") in sent and ("number", "1.5") in sent
    assert ("color", "Red") in sent and ("shade", "Pastel") in sent  # extensible accepts any
    assert ("when", _azure_core(when)) in sent and _azure_core(
        when
    ) == "2031-05-01T10:30:05.250000Z"
    assert ("day", "2031-01-02") in sent
    assert ("span", _azure_core(span)) in sent and _azure_core(span) == "P1DT02H03M04.5S"
    assert ("blob", _azure_core(b"\x00\xffhi")) in sent
    assert ("ssv", "a b") in sent and ("tsv", "a\tb") in sent and ("pipes", "1|2") in sent
    assert [v for k, v in sent if k == "multi"] == ["x", "y"]
    assert ("colors", "Red,Blue") in sent
    assert ("$filter", "name eq 'a&b'") in sent
    assert ("top", "30") in sent  # the spec's default is sent
    assert ("url", "shadows nothing") in sent  # renamed: the method body has its own url
    assert ("mode", "strict") in sent and ("on", "true") in sent  # constants, never asked for
    raw_query = urlsplit(server.requests[-1].path).query
    assert "csv=a%2Cb,," in raw_query  # elements encoded, separators literal, None -> ""
    assert "raw=a%2Cb" in raw_query  # x-ms-skip-url-encoding: not encoded again
    client.params.query()
    assert {k for k, _ in _query(server)} == {"api-version", "top", "mode", "on"}


def test_header_parameters_and_header_collection_prefix(
    client: Any, server: RecordingServer
) -> None:
    when = datetime.datetime(2031, 5, 1, 12, 0, tzinfo=datetime.timezone.utc)
    client.params.header(
        x_int=3,
        x_flag=False,
        x_when=when,
        x_span=datetime.timedelta(minutes=90),
        x_blob=b"hi",
        x_color="Blue",
        x_list=["a", "b"],
        x_ms_meta={"owner": "me", "tier": "1"},
    )
    sent = server.requests[-1].headers
    assert sent["x-int"] == "3" and sent["x-flag"] == "false"
    assert sent["x-when"] == "Thu, 01 May 2031 12:00:00 GMT"
    assert sent["x-span"] == "PT01H30M00S" == _azure_core(datetime.timedelta(minutes=90))
    assert sent["x-blob"] == base64.b64encode(b"hi").decode()
    assert sent["x-color"] == "Blue" and sent["x-list"] == "a,b"
    assert sent["x-ms-meta-owner"] == "me" and sent["x-ms-meta-tier"] == "1"
    client.params.header()
    assert not any(
        name.startswith("x-") and name != "x-ms-client-request-id"
        for name in server.requests[-1].headers
    )


def test_parameter_grouping(
    packages: tuple[ModuleType, ModuleType], client: Any, server: RecordingServer
) -> None:
    # Group classes are models, where AutoRest's users import them from (version and package).
    models = _models(packages[0])
    package_models = importlib.import_module(f"{packages[0].__name__}.models")
    assert package_models.ParamsGroupedParameters is models.ParamsGroupedParameters
    assert (
        "PagingOptions" in models.__all__
        and "PagingOptions" not in _operations(packages[0]).__all__
    )
    group = models.ParamsGroupedParameters(name="n 1", x_trace="t")
    assert group.top == 10  # the spec default
    client.params.grouped(group, paging_options=models.PagingOptions(skip=5))
    request = server.requests[-1]
    assert urlsplit(request.path).path == "/params/grouped/n%201"
    assert ("top", "10") in _query(server) and ("skip", "5") in _query(server)
    assert request.headers["x-trace"] == "t"
    client.params.grouped(models.ParamsGroupedParameters(name="m", top=3))
    assert ("top", "3") in _query(server) and "skip" not in dict(_query(server))
    with pytest.raises(TypeError):
        models.ParamsGroupedParameters()  # name is required


def test_parameter_group_names_and_a_required_group_passed_as_none(
    packages: tuple[ModuleType, ModuleType], client: Any, server: RecordingServer
) -> None:
    models = _models(packages[0])
    server.clear()
    # "from" is a model property here: from_property, as AutoRest pads a model's keyword.
    group = models.ParamsGroupedParameters(name="n", from_property="bob")
    client.params.grouped(group, params_grouped_depth_opts=models.ParamsGroupedDepthOpts(depth=2))
    assert ("from", "bob") in _query(server) and ("depth", "2") in _query(server)
    with pytest.raises(TypeError, match="params_grouped_parameters"):
        client.params.grouped(None)
    assert len(server.requests) == 1  # nothing was sent


def test_method_api_version_and_unencoded_constant_query(
    client: Any, server: RecordingServer
) -> None:
    client.params.local_version(api_version="1.5")
    assert urlsplit(server.requests[-1].path).query == "api-version=1.5&fixed=a&b=c"
    client.params.local_version()  # None: no api-version at all, not the client's
    assert urlsplit(server.requests[-1].path).query == "fixed=a&b=c"


def test_get_paging_with_a_body_sends_it_with_the_first_page(
    client: Any, server: RecordingServer
) -> None:
    server.clear()
    list(client.pages.filtered({"name": "w"}))
    request = server.requests[0]
    assert request.method == "GET" and json.loads(request.body) == {"name": "w"}


def test_an_operation_without_a_group_is_a_method_of_the_client(
    packages: tuple[ModuleType, ModuleType], client: Any, server: RecordingServer
) -> None:
    client.get_ungrouped()
    assert urlsplit(server.requests[-1].path).path == "/ungrouped"
    assert not hasattr(client, "ops_client")  # no attribute named after the title
    # The package's client (a subclass of the newest api-version's) has it as well.
    assert callable(packages[0].OpsClient.get_ungrouped)


def _headers_and_result(
    response: Any, result: object, headers: dict[str, object]
) -> tuple[object, dict[str, object], int]:
    return result, headers, response.http_response.status_code


def test_declared_response_headers_are_read_as_their_types_through_cls(
    packages: tuple[ModuleType, ModuleType], client: Any, server: RecordingServer
) -> None:
    models = _models(packages[0])
    headers = {"count": "7", "when": "Wed, 01 Jan 2010 12:34:56 GMT", "color": "blue"}
    server.clear()
    server.reply(200, b'{"name": "w"}', {**headers, "ETag": "e1"})
    result, read, status = client.headers.read(cls=_headers_and_result)
    assert status == 200 and result == models.Widget(name="w")
    assert read == {
        "count": 7,
        "when": datetime.datetime(2010, 1, 1, 12, 34, 56, tzinfo=datetime.timezone.utc),
        "color": models.Color.BLUE,
        "ETag": "e1",
    }
    server.reply(200, b'{"name": "w"}', {"color": "Green"})  # absent ones read as None
    _, read, _ = client.headers.read(cls=_headers_and_result)
    assert read["count"] is None and read["color"] == "Green"
    server.reply(200, b'{"name": "w"}')
    assert client.headers.read() == models.Widget(name="w")  # without cls: the result
    server.reply(204, b"", {"span": "PT1M"})
    assert client.headers.touch(cls=_headers_and_result) == (
        None,
        {"span": datetime.timedelta(minutes=1)},
        204,
    )


def test_a_response_header_that_does_not_parse_is_a_decode_error_naming_it(
    packages: tuple[ModuleType, ModuleType], client: Any, server: RecordingServer
) -> None:
    errors = importlib.import_module(f"{packages[0].__name__}.runtime.exceptions")
    server.clear()
    server.reply(200, b'{"name": "w"}', {"count": "sk-secret-not-a-number"})
    with pytest.raises(errors.DecodeError, match="'count'") as caught:
        client.headers.read(cls=_headers_and_result)
    assert "sk-secret" not in str(caught.value)  # the value itself is not repeated


def test_cls_and_group_checks_on_the_async_surface(
    packages: tuple[ModuleType, ModuleType], server: RecordingServer
) -> None:
    aio = importlib.import_module(f"{packages[0].__name__}.{MODULE}.aio")
    models = _models(packages[0])

    class AsyncCredential:
        async def get_token(self, *scopes: str, **kwargs: Any) -> Any:
            return FakeCredential().get_token(*scopes)

    async def run() -> None:
        async with aio.OpsClient(AsyncCredential(), "sub", region="r", base_url=server.url) as c:
            server.reply(200, b'{"name": "w"}', {"count": "3"})
            result, read, status = await c.headers.read(cls=_headers_and_result)
            assert (result, read["count"], status) == (models.Widget(name="w"), 3, 200)
            server.reply(204, b"")
            assert await c.headers.touch() is None
            with pytest.raises(TypeError, match="params_grouped_parameters"):
                await c.params.grouped(None)
            await c.get_ungrouped()  # an operation without a group: the client's own method
            assert urlsplit(server.requests[-1].path).path == "/ungrouped"

    server.clear()
    asyncio.run(run())


def test_cls_keeps_the_return_type_for_type_checkers(
    packages: tuple[ModuleType, ModuleType], tmp_path: Path
) -> None:
    out = Path(packages[0].__file__ or "").parent.parent
    name = packages[0].__name__
    program = tmp_path / "uses_cls.py"
    program.write_text(
        f"""# pyright: strict
from typing import assert_type

from {name}.{MODULE}.models import Widget
from {name}.{MODULE}.client import OpsClient
from {name}.runtime.call_options import PipelineResponse


def etag(response: PipelineResponse, result: Widget, headers: dict[str, object]) -> str:
    return str(headers["ETag"])


def touched(response: PipelineResponse, result: None, headers: dict[str, object]) -> int:
    return response.http_response.status_code


def use(client: OpsClient) -> None:
    assert_type(client.headers.read(), Widget)
    assert_type(client.headers.read(cls=etag), str)
    assert_type(client.headers.touch(cls=touched), int)
    assert_type(client.headers.touch(), None)
    client.headers.read(cls=touched)  # E: wrong result type
"""
    )
    for command in (
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "c")],
        [str(Path(sys.executable).parent / "pyright")],
    ):
        result = subprocess.run(
            [*command, str(program)],
            cwd=out,
            env={**os.environ, "PYTHONPATH": str(out), "MYPYPATH": str(out)},
            capture_output=True,
            text=True,
            check=False,
        )
        # Exactly one error, on the line passing a callback of the wrong result type.
        errors = [line for line in result.stdout.splitlines() if "error" in line.lower()]
        wrong = (
            program.read_text()
            .splitlines()
            .index("    client.headers.read(cls=touched)  # E: wrong result type")
            + 1
        )
        assert errors and all(f":{wrong}:" in line for line in errors[:1]), result.stdout
        assert len([line for line in errors if f"uses_cls.py:{wrong}:" in line]) >= 1, result.stdout
        assert not [
            line
            for line in errors
            if "uses_cls.py:" in line and f"uses_cls.py:{wrong}:" not in line
        ], result.stdout


def test_parameter_location_client_versus_method(
    packages: tuple[ModuleType, ModuleType], server: RecordingServer
) -> None:
    server.clear()
    with packages[0].OpsClient(
        FakeCredential(), "sub", region="r", cloud_parameter="c", base_url=server.url
    ) as made:
        made.params.location("z1")
        assert made._client.base_url == server.url  # cloud= is still the client's own option
    assert ("region", "r") in _query(server) and ("zone", "z1") in _query(server)
    assert server.requests[-1].headers["cloud"] == "c"
    hints = typing.get_type_hints(type(made.params).location)
    assert "region" not in hints and "cloud" not in hints and "zone" in hints


def test_array_and_primitive_bodies_and_results(
    packages: tuple[ModuleType, ModuleType], client: Any, server: RecordingServer
) -> None:
    models = _models(packages[0])
    exceptions = importlib.import_module(f"{packages[0].__name__}.runtime.exceptions")
    server.reply(200, b'[{"name": "a", "color": "Red"}, {"name": "b"}]')
    result = client.bodies.put_list([models.Widget(name="a", color="Red"), {"name": "b"}])
    assert json.loads(server.requests[-1].body) == [{"name": "a", "color": "Red"}, {"name": "b"}]
    assert [w.name for w in result] == ["a", "b"] and result[0].color is models.Color.RED
    server.reply(200, b"42")
    assert client.bodies.put_int(41) == 42
    assert server.requests[-1].body == b"41"
    server.reply(200, b'{"a": "2031-05-01T00:00:00Z"}')
    assert client.bodies.get_dates() == {
        "a": datetime.datetime(2031, 5, 1, tzinfo=datetime.timezone.utc)
    }
    server.reply(200, b'"forty-two"')
    with pytest.raises(exceptions.DecodeError, match="expected an integer"):
        client.bodies.put_int(1)


def test_optional_request_body_may_be_left_out(client: Any, server: RecordingServer) -> None:
    server.reply(200, b'{"name": "made"}')
    assert client.bodies.optional().name == "made"
    assert server.requests[-1].body == b"" and "content-type" not in server.requests[-1].headers
    server.reply(200, b'{"name": "made"}')
    client.bodies.optional(widget={"name": "w"})
    assert json.loads(server.requests[-1].body) == {"name": "w"}


def test_binary_upload_and_download(client: Any, server: RecordingServer) -> None:
    server.reply(200, b"\x00\x01binary\xff", {"Content-Type": "application/octet-stream"})
    assert client.bodies.download() == b"\x00\x01binary\xff"
    server.reply(204, b"")
    assert client.bodies.upload(b"\xfe\xed") is None
    assert server.requests[-1].body == b"\xfe\xed"
    assert server.requests[-1].headers["content-type"] == "application/octet-stream"
    with pytest.raises(TypeError, match="content must be bytes"):
        client.bodies.upload("text")


def test_several_success_codes_with_different_schemas(
    packages: tuple[ModuleType, ModuleType], client: Any, server: RecordingServer
) -> None:
    models = _models(packages[0])
    hints = typing.get_type_hints(type(client.bodies).several)
    assert set(typing.get_args(hints["return"])) == {models.Widget, models.Sprocket, type(None)}
    server.reply(200, b'{"name": "w"}')
    widget = client.bodies.several()
    assert isinstance(widget, models.Widget) and widget.name == "w"
    server.reply(201, b'{"teeth": 12}')
    sprocket = client.bodies.several()
    assert isinstance(sprocket, models.Sprocket) and sprocket.teeth == 12
    server.reply(204, b"")
    assert client.bodies.several() is None


def test_all_statuses_with_a_body_and_only_a_default_response(
    packages: tuple[ModuleType, ModuleType], client: Any, server: RecordingServer
) -> None:
    models = _models(packages[0])
    exceptions = importlib.import_module(f"{packages[0].__name__}.runtime.exceptions")
    hints = typing.get_type_hints(type(client.bodies).either)
    assert set(typing.get_args(hints["return"])) == {models.Widget, models.Sprocket}
    server.reply(201, b'{"teeth": 1}')
    assert client.bodies.either() == models.Sprocket(teeth=1)
    server.reply(200, b"")
    assert client.bodies.only_default() is None  # no success response declared: 200 is it
    server.reply(400, b'{"code": "Bad", "message": "no"}')
    with pytest.raises(exceptions.HttpResponseError) as raised:
        client.bodies.only_default()
    assert raised.value.status_code == 400


def test_head_operation_returns_whether_it_exists(
    packages: tuple[ModuleType, ModuleType], client: Any, server: RecordingServer
) -> None:
    exceptions = importlib.import_module(f"{packages[0].__name__}.runtime.exceptions")
    server.reply(204, b"")
    assert client.bodies.exists() is True
    server.reply(404, b"")
    assert client.bodies.exists() is False
    assert server.requests[-1].method == "HEAD"
    server.reply(400, b"")
    with pytest.raises(exceptions.HttpResponseError) as raised:
        client.bodies.exists()  # only 404 means "absent"; other errors stay errors
    assert raised.value.status_code == 400


def test_x_ms_paths_distinguish_operations_by_query(client: Any, server: RecordingServer) -> None:
    client.things.list_round()
    client.things.list_square()
    client.things.count()  # "things_Count" is in the same group as "Things_ListRound"
    sent = [
        (urlsplit(r.path).path, dict(parse_qsl(urlsplit(r.path).query))["kind"])
        for r in server.requests[:2]
    ]
    assert sent[:2] == [("/things", "round"), ("/things", "square")]
    assert server.requests[-1].path == f"/things?count&api-version={API_VERSION}"


def test_parameterized_host(
    packages: tuple[ModuleType, ModuleType], server: RecordingServer
) -> None:
    _, host = packages
    server.clear()
    port = urlsplit(server.url).port
    # The host template is "{accountName}.{suffix}"; the scheme follows base_url.
    with host.HostClient(
        # base_url names the same server another way: only its scheme is used here.
        FakeCredential(),
        "sub",
        suffix=f"0.0.1:{port}",
        base_url=f"http://localhost:{port}",
    ) as made:
        assert list(typing.get_type_hints(type(made.items).get))[:2] == ["account_name", "item"]
        made.items.get("127", "i 1")  # positionInOperation: first
        assert server.requests[-1].path == "/items/i%201"
        assert server.requests[-1].headers["host"] == f"127.0.0.1:{port}"
        with pytest.raises(ValueError, match="account_name must not be None"):
            made.items.get(None, "i")
        # Next links are followed on the parameterized host, as they are: no api-version here.
        server.reply(200, json.dumps({"value": ["a"], "nextLink": "/items?page=2"}).encode())
        server.reply(200, json.dumps({"value": ["b"]}).encode())
        assert list(made.items.list("127")) == ["a", "b"]
        assert server.requests[-1].path == "/items?page=2"
        assert server.requests[-1].headers["host"] == f"127.0.0.1:{port}"
    client_module = importlib.import_module(f"{host.__name__}.runtime.client")
    with host.HostClient(FakeCredential(), "sub") as default:
        # The spec default; an optional one not given is None (not sent).
        assert default._client.parameters == {"suffix": "example.test", "regions": None}
        url = default._client.format_url(
            "{$scheme}://{accountName}.{suffix}/items",
            (
                client_module.PathParam("accountName", "account_name", "acct"),
                client_module.PathParam("suffix", "suffix", "example.test"),
            ),
            {},
            absolute=True,
        )
        assert url == "https://acct.example.test/items"  # public Azure's scheme by default


def test_a_long_running_operation_on_a_parameterized_host_resumes_from_its_token(
    packages: tuple[ModuleType, ModuleType], server: RecordingServer
) -> None:
    _, host = packages
    server.clear()
    port = urlsplit(server.url).port
    options = {"suffix": f"0.0.1:{port}", "base_url": "http://localhost:1", "polling_interval": 0}
    status = f"http://127.0.0.1:{port}/status/7"
    server.reply(202, b"", {"Location": status})
    with host.HostClient(FakeCredential(), "sub", **options) as first:
        token = first.items.begin_rebuild("127", "i1", polling=False).continuation_token()
    server.reply(200, b'{"item": "i1"}')
    # A new client resumes on the host the arguments name, though base_url is elsewhere.
    with host.HostClient(FakeCredential(), "sub", **options) as second:
        result = second.items.begin_rebuild("127", "i1", continuation_token=token).result()
    assert result.item == "i1"
    assert [r.method for r in server.requests] == ["PUT", "GET"]
    assert server.requests[-1].path == "/status/7"
    # The token is still refused for another host than the one it was made on.
    with (
        host.HostClient(FakeCredential(), "sub", **{**options, "suffix": "0.0.2:1"}) as other,
        pytest.raises(ValueError, match=r"not on this operation's endpoint http://127\.0\.0\.2:1"),
    ):
        other.items.begin_rebuild("127", "i1", continuation_token=token)
    assert len(server.requests) == 2


def test_a_client_level_array_parameter_is_sent_with_its_collection_format(
    packages: tuple[ModuleType, ModuleType], server: RecordingServer
) -> None:
    _, host = packages
    server.clear()
    port = urlsplit(server.url).port
    with host.HostClient(
        FakeCredential(),
        "sub",
        suffix=f"0.0.1:{port}",
        regions=["west us", "east"],
        base_url="http://localhost:1",  # only its scheme is used on a parameterized host
        polling_interval=0,
    ) as made:
        server.reply(200, b'{"item": "i1"}')
        made.items.begin_rebuild("127", "i1").result()
    assert parse_qsl(urlsplit(server.requests[0].path).query) == [("regions", "west us,east")]
    with host.HostClient(
        FakeCredential(), "sub", suffix=f"0.0.1:{port}", base_url="http://localhost:1"
    ) as without:
        server.reply(200, b'{"item": "i1"}')
        without.items.begin_rebuild("127", "i1").result()
    assert urlsplit(server.requests[-1].path).query == ""  # not given: not sent


def _page(values: list[str], next_link: str | None = None) -> bytes:
    body: dict[str, Any] = {"values": [{"name": v} for v in values]}
    if next_link is not None:
        body["nextLink"] = next_link
    return json.dumps(body).encode()


def test_paging_without_next_link_name_is_one_page(client: Any, server: RecordingServer) -> None:
    server.reply(200, _page(["a", "b"], "/pages/single?page=2"))
    assert [w.name for w in client.pages.single()] == ["a", "b"]
    assert len(server.requests) == 1


def test_paging_item_name_and_relative_next_link(client: Any, server: RecordingServer) -> None:
    server.reply(200, _page(["a"], "/pages/linked?page=2&api-version=old"))
    server.reply(200, _page(["b"], f"{server.url}/pages/linked?page=3"))
    server.reply(200, _page(["c"]))
    assert [w.name for w in client.pages.linked()] == ["a", "b", "c"]
    paths = [r.path for r in server.requests]
    assert paths[1] == f"/pages/linked?page=2&api-version={API_VERSION}"
    assert paths[2] == f"/pages/linked?page=3&api-version={API_VERSION}"


def test_post_paging_sends_the_body_first_then_gets(client: Any, server: RecordingServer) -> None:
    server.reply(200, _page(["a"], "/pages/search?page=2"))
    server.reply(200, _page(["b"]))
    assert [w.name for w in client.pages.search({"name": "q"})] == ["a", "b"]
    first, second = server.requests
    assert (first.method, json.loads(first.body)) == ("POST", {"name": "q"})
    assert (second.method, second.body) == ("GET", b"")


def test_paging_through_another_operation_with_a_fragment_link(
    client: Any, server: RecordingServer
) -> None:
    server.reply(200, _page(["a"], "next?page=2"))
    server.reply(200, _page(["b"]))
    assert [w.name for w in client.pages.fragment("t 1")] == ["a", "b"]
    # The next operation's URL, with the link as its x-ms-skip-url-encoding path parameter.
    assert server.requests[1].path == f"/pages/tenants/t%201/next?page=2&api-version={API_VERSION}"


def test_long_running_pageable_result_is_a_pager(client: Any, server: RecordingServer) -> None:
    server.reply(202, b"", {"Location": f"{server.url}/status/1", "Retry-After": "0"})
    server.reply(200, _page(["a"], "/pages/lro?page=2"))
    server.reply(200, _page(["b"]))
    pager = client.pages.begin_lro().result()
    assert [w.name for w in pager] == ["a", "b"]
    assert [r.method for r in server.requests] == ["POST", "GET", "GET"]
    assert server.requests[2].path.startswith("/pages/lro?page=2")


def test_operations_reference_definitions_in_another_file_directly(
    packages: tuple[ModuleType, ModuleType], client: Any, server: RecordingServer
) -> None:
    models = _models(packages[0])
    hints = typing.get_type_hints(type(client.cross).put)
    assert hints["return"] is models.Gadget
    server.reply(200, b'{"size": 4}')
    assert client.cross.put(models.Gadget(size=3)) == models.Gadget(size=4)
    assert json.loads(server.requests[-1].body) == {"size": 3}


def test_a_next_page_operation_needing_more_than_the_link_is_a_located_error(
    tmp_path: Path,
) -> None:
    description = spec()
    next_page = description["paths"]["/pages/tenants/{tenant}/{nextLink}"]["get"]
    next_page["parameters"].append(
        {"name": "cursor", "in": "query", "required": True, "type": "string"}
    )
    with pytest.raises(
        SpecError,
        match=r"ops\.json#/paths/.*/x-ms-pageable/operationName: .*"
        r"Pages_FragmentNext needs cursor",
    ):
        render_tree(write_spec(tmp_path, description), tmp_path / "out")


def test_form_data_multipart_and_urlencoded(client: Any, server: RecordingServer) -> None:
    server.reply(204, b"")
    client.forms.upload(b"\x00file bytes", file_name="a.bin")
    sent = server.requests[-1]
    content_type = sent.headers["content-type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    boundary = content_type.split("boundary=", 1)[1].encode()
    parts = sent.body.split(b"--" + boundary)[1:-1]
    assert len(parts) == 2
    assert b'name="content"' in parts[0] and parts[0].endswith(b"\r\n\r\n\x00file bytes\r\n")
    assert b'name="fileName"' in parts[1] and parts[1].endswith(b"\r\n\r\na.bin\r\n")
    server.reply(204, b"")
    client.forms.token("a b&c", ttl=30)
    sent = server.requests[-1]
    assert sent.headers["content-type"] == "application/x-www-form-urlencoded"
    assert sent.body == b"grant_type=refresh_token&scope=a+b%26c&ttl=30"  # constant, never asked
    server.reply(204, b"")
    client.forms.token("s")
    assert server.requests[-1].body == b"grant_type=refresh_token&scope=s"


def test_group_attribute_keeps_the_operation_ids_word_boundaries(client: Any) -> None:
    # "x-ms-dashed-group" becomes the class XMsDashedGroupOperations; the attribute is read
    # from the operationId itself, as AutoRest names it, not from the class name ("xms_...").
    assert type(client.x_ms_dashed_group).__name__ == "XMsDashedGroupOperations"
    assert not hasattr(client, "xms_dashed_group")
