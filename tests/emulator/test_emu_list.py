"""LIST with nextLink paging."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit


def test_list_pages_through_next_links(make_emulator, arm_for):
    arm = arm_for(make_emulator(page_size=2, polls_before_done=0))
    names = ["e", "B", "a", "d", "c"]
    for name in names:
        arm.create(name)
    arm.create("other", instance="1")

    url = arm.url(query="&$expand=instanceView")
    pages = []
    while url:
        response = arm.request("GET", url)
        assert response.status == 200
        body = response.json()
        pages.append(body)
        url = body.get("nextLink")
        if url:
            assert url.startswith(arm.emu.base_url + arm.vm_path())
            query = parse_qs(urlsplit(url).query)
            assert query["api-version"] == ["2024-07-01"]
            assert query["$expand"] == ["instanceView"]
            assert query["$skiptoken"][0].isdigit()

    assert [len(page["value"]) for page in pages] == [2, 2, 1]
    assert "nextLink" not in pages[-1]
    listed = [item["name"] for page in pages for item in page["value"]]
    assert listed == ["a", "B", "c", "d", "e"]
    assert all("instanceView" in item["properties"] for page in pages for item in page["value"])


def test_list_without_expand_has_no_instance_view(arm):
    arm.create("a")
    [item] = arm.request("GET", arm.url()).json()["value"]
    assert "instanceView" not in item["properties"]


def test_empty_list(arm):
    response = arm.request("GET", arm.url(vmss="nothing-here"))
    assert response.status == 200
    assert response.json() == {"value": []}


def test_bad_skiptoken_is_400(arm):
    response = arm.request("GET", arm.url(query="&$skiptoken=abc"))
    assert response.status == 400
    assert arm.error(response)["target"] == "$skiptoken"


def test_skiptoken_past_the_end_is_an_empty_page(arm):
    arm.create("a")
    assert arm.request("GET", arm.url(query="&$skiptoken=50")).json() == {"value": []}
