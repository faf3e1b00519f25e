"""spaces.members over the wire: uniqueness, ownership, paging, masks and batch updates."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from pulumi_meet.emulator import Emulator
from pulumi_meet.emulator.models import Access
from tests.control import Control, MeetHttp

Meet = Callable[..., MeetHttp]
OWNER = "owner@example.com"


@pytest.fixture
def owner(meet: Meet) -> MeetHttp:
    return meet(OWNER)


@pytest.fixture
def space(owner: MeetHttp) -> str:
    return str(owner.post("spaces", json={}).json()["name"])


def _member(owner: MeetHttp, space: str, email: str, role: str | None = None) -> dict:
    body = {"email": email} if role is None else {"email": email, "role": role}
    response = owner.post(f"{space}/members", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def _status(response, status: int, canonical: str) -> dict:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["status"] == canonical
    return error


def _bulk_members(emulator: Emulator, space: str, count: int) -> None:
    """Many members at once, straight through the model (the HTTP path is tested elsewhere)."""
    application = emulator.application
    access = Access(OWNER, "emulator-project", any_app=False)
    with application.store.transaction() as db:
        for index in range(count):
            application.members.create(db, access, space, {"email": f"m{index:04d}@example.com"})


def test_create_get_delete(owner: MeetHttp, space: str) -> None:
    created = _member(owner, space, "Guest@Example.com", "COHOST")
    assert created["name"].startswith(f"{space}/members/")
    assert created["email"] == "Guest@Example.com"
    assert created["role"] == "COHOST"
    assert owner.get(created["name"]).json() == created
    assert owner.delete(created["name"]).json() == {}
    _status(owner.get(created["name"]), 404, "NOT_FOUND")
    _status(owner.delete(created["name"]), 404, "NOT_FOUND")


def test_one_member_per_email_case_insensitively(owner: MeetHttp, space: str) -> None:
    _member(owner, space, "guest@example.com")
    _status(
        owner.post(f"{space}/members", json={"email": "GUEST@example.com"}), 409, "ALREADY_EXISTS"
    )


@pytest.mark.parametrize("body", [{}, {"email": ""}, {"email": "no-at-sign"}, {"role": "COHOST"}])
def test_email_is_required_and_checked(owner: MeetHttp, space: str, body: dict) -> None:
    _status(owner.post(f"{space}/members", json=body), 400, "INVALID_ARGUMENT")


def test_only_the_owner_reads_and_writes_members(meet: Meet, owner: MeetHttp, space: str) -> None:
    member = _member(owner, space, "guest@example.com")
    stranger = meet("guest@example.com")
    for response in (
        stranger.get(f"{space}/members"),
        stranger.get(member["name"]),
        stranger.post(f"{space}/members", json={"email": "x@example.com"}),
        stranger.patch(member["name"], params={"updateMask": "role"}, json={"role": "COHOST"}),
        stranger.delete(member["name"]),
        stranger.post(f"{space}/members:batchUpdate", json={"requests": []}),
    ):
        _status(response, 403, "PERMISSION_DENIED")
    reader = meet(OWNER, scopes=["meetings.space.readonly"])
    assert reader.get(member["name"]).json()["email"] == "guest@example.com"
    _status(reader.delete(member["name"]), 403, "PERMISSION_DENIED")


def test_paging(owner: MeetHttp, space: str) -> None:
    names = [_member(owner, space, f"p{index}@example.com")["name"] for index in range(7)]
    seen: list[str] = []
    token = None
    pages = 0
    while pages < 10:
        params: dict = {"pageSize": 3}
        if token:
            params["pageToken"] = token
        page = owner.get(f"{space}/members", params=params).json()
        seen += [m["name"] for m in page["members"]]
        pages += 1
        token = page.get("nextPageToken")
        if not token:
            break
    assert seen == names and pages == 3
    exact = owner.get(f"{space}/members", params={"pageSize": 7}).json()
    assert "nextPageToken" not in exact


def test_page_size_default_and_maximum(emulator: Emulator, owner: MeetHttp, space: str) -> None:
    _bulk_members(emulator, space, 501)
    default = owner.get(f"{space}/members").json()
    assert len(default["members"]) == 250 and default["nextPageToken"]
    zero = owner.get(f"{space}/members", params={"pageSize": 0}).json()
    assert len(zero["members"]) == 250
    coerced = owner.get(f"{space}/members", params={"pageSize": 100000}).json()
    assert len(coerced["members"]) == 500
    rest = owner.get(f"{space}/members", params={"pageToken": coerced["nextPageToken"]}).json()
    assert len(rest["members"]) == 1 and "nextPageToken" not in rest
    _status(owner.get(f"{space}/members", params={"pageSize": -1}), 400, "INVALID_ARGUMENT")


def test_invalid_page_tokens(owner: MeetHttp, space: str) -> None:
    for index in range(3):
        _member(owner, space, f"t{index}@example.com")
    token = owner.get(f"{space}/members", params={"pageSize": 1}).json()["nextPageToken"]
    other = owner.post("spaces", json={}).json()["name"]
    _status(owner.get(f"{other}/members", params={"pageToken": token}), 400, "INVALID_ARGUMENT")
    for bad in ("garbage", token[:-2], "e30"):
        _status(owner.get(f"{space}/members", params={"pageToken": bad}), 400, "INVALID_ARGUMENT")


def test_patch_masks(owner: MeetHttp, space: str) -> None:
    member = _member(owner, space, "guest@example.com")
    name = member["name"]
    assert (
        owner.patch(name, params={"updateMask": "role"}, json={"role": "COHOST"}).json()["role"]
        == "COHOST"
    )
    assert owner.patch(name, json={}).json()["role"] == "COHOST"  # absent mask, nothing set
    assert "role" not in owner.patch(name, params={"updateMask": "*"}, json={}).json()
    assert (
        owner.patch(name, json={"role": "COHOST", "email": "GUEST@example.com"}).json()["role"]
        == "COHOST"
    )
    for mask in ("email", "name", "colour"):
        _status(owner.patch(name, params={"updateMask": mask}, json={}), 400, "INVALID_ARGUMENT")
    _status(owner.patch(name, json={"email": "other@example.com"}), 400, "INVALID_ARGUMENT")
    _status(owner.patch(f"{space}/members/unknown", json={}), 404, "NOT_FOUND")


def _batch(owner: MeetHttp, space: str, body: dict):
    return owner.post(f"{space}/members:batchUpdate", json=body)


def test_batch_update_mask_cases(owner: MeetHttp, space: str) -> None:
    first = _member(owner, space, "a@example.com", "COHOST")["name"]
    second = _member(owner, space, "b@example.com")["name"]
    # 1. no masks at all: every field is replaced, so an absent role is cleared.
    result = _batch(
        owner,
        space,
        {"requests": [{"member": {"name": first}}, {"member": {"name": second, "role": "COHOST"}}]},
    )
    assert [m.get("role") for m in result.json()["members"]] == [None, "COHOST"]
    # 2. top-level mask only.
    result = _batch(
        owner,
        space,
        {"updateMask": "role", "requests": [{"member": {"name": first, "role": "COHOST"}}]},
    )
    assert result.json()["members"][0]["role"] == "COHOST"
    # 3. both masks: they must be equal (spelling aside).
    same = _batch(
        owner,
        space,
        {"updateMask": "role", "requests": [{"member": {"name": second}, "updateMask": "role"}]},
    )
    assert "role" not in same.json()["members"][0]
    different = _batch(
        owner,
        space,
        {"updateMask": "role", "requests": [{"member": {"name": second}, "updateMask": "*"}]},
    )
    _status(different, 400, "INVALID_ARGUMENT")
    # 4. a child mask without a top-level mask is refused.
    orphan = _batch(
        owner, space, {"requests": [{"member": {"name": second}, "updateMask": "role"}]}
    )
    _status(orphan, 400, "INVALID_ARGUMENT")


def test_batch_update_is_all_or_nothing(owner: MeetHttp, space: str) -> None:
    first = _member(owner, space, "a@example.com")["name"]
    requests_ = [
        {"member": {"name": first, "role": "COHOST"}},
        {"member": {"name": f"{space}/members/missing", "role": "COHOST"}},
    ]
    _status(_batch(owner, space, {"updateMask": "role", "requests": requests_}), 404, "NOT_FOUND")
    assert "role" not in owner.get(first).json()


@pytest.mark.parametrize(
    "make_requests",
    [
        lambda name: [],
        lambda name: [{"member": {"role": "COHOST"}}],
        lambda name: [{"member": {"name": "spaces/elsewhere/members/x"}}],
        lambda name: [{"member": {"name": name}}, {"member": {"name": name}}],
    ],
    ids=["empty", "no-name", "other-space", "duplicate"],
)
def test_batch_update_rejects_bad_requests(
    owner: MeetHttp, space: str, make_requests: Callable[[str], list]
) -> None:
    name = _member(owner, space, "a@example.com")["name"]
    body = {"updateMask": "role", "requests": make_requests(name)}
    _status(_batch(owner, space, body), 400, "INVALID_ARGUMENT")


def test_batch_update_takes_at_most_500_requests(
    emulator: Emulator, owner: MeetHttp, space: str
) -> None:
    _bulk_members(emulator, space, 501)
    first_page = owner.get(f"{space}/members", params={"pageSize": 500}).json()
    rest = owner.get(f"{space}/members", params={"pageToken": first_page["nextPageToken"]}).json()
    names = [m["name"] for m in first_page["members"] + rest["members"]]
    requests_ = [{"member": {"name": name, "role": "COHOST"}} for name in names]
    too_many = _batch(owner, space, {"updateMask": "role", "requests": requests_})
    _status(too_many, 400, "INVALID_ARGUMENT")
    result = _batch(owner, space, {"updateMask": "role", "requests": requests_[:500]})
    assert result.status_code == 200 and len(result.json()["members"]) == 500


def test_members_of_an_unknown_space(owner: MeetHttp, control: Control) -> None:
    _status(owner.get("spaces/unknown/members"), 403, "PERMISSION_DENIED")
    _status(owner.get("spaces/unknown/members/x"), 403, "PERMISSION_DENIED")
