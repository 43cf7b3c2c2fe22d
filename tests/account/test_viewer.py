from __future__ import annotations

VIEWER = "query { viewer { user { email } } }"


async def test_viewer_is_null_without_a_session(api):
    data = await api.ok(VIEWER)
    assert data["viewer"] is None


async def test_a_bogus_token_is_no_session(api):
    data = await api.ok(VIEWER, token="not-a-real-token")
    assert data["viewer"] is None
