"""Signing in and out, sessions, lockout, one-time passwords and the form token."""

from __future__ import annotations

from tests.support.review import PASSWORD, ReviewHarness, sign_in


async def test_pages_need_sign_in_and_sign_in_returns_to_them(review: ReviewHarness) -> None:
    await review.staff()
    async with review.client() as client:
        page = await client.get("/people/1?x=1")
        assert page.status_code == 303
        assert page.headers["location"] == "/sign-in?next=/people/1%3Fx%3D1"
        form = await client.get(page.headers["location"])
        assert 'name="next" value="/people/1?x=1"' in form.text
        assert (await client.post("/", data={})).status_code == 401


async def test_sign_in_then_out(review: ReviewHarness) -> None:
    sam = await review.staff()
    async with review.signed_in(sam) as web:
        home = await web.get("/")
        assert home.status_code == 200 and "Signed in as" in home.text
        cookie = web.client.cookies.get("tandem_session")
        assert cookie
        out = await web.post("/sign-out")
        assert out.status_code == 303
        # The old cookie no longer signs anyone in, even if it was copied.
        web.client.cookies.set("tandem_session", cookie, domain="testserver")
        assert (await web.get("/")).status_code == 303


async def test_wrong_password_then_lockout(review: ReviewHarness) -> None:
    sam = await review.staff()
    async with review.client() as client:
        for _ in range(4):
            wrong = await sign_in(client, sam.email, "not the password")
            assert wrong.status_code == 400
            assert "Enter a correct email address and password" in wrong.text
            assert "There is a problem" in wrong.text
        locked = await sign_in(client, sam.email, "not the password")
        assert "too many times" in locked.text
        # Locked: even the right password does not sign in, until the time has passed.
        assert (await sign_in(client, sam.email, PASSWORD)).status_code == 400
        review.clock.advance(minutes=16)
        assert (await sign_in(client, sam.email, PASSWORD)).status_code == 303


async def test_unknown_email_reads_like_a_wrong_password(review: ReviewHarness) -> None:
    async with review.client() as client:
        page = await sign_in(client, "nobody@example.org", PASSWORD)
        assert page.status_code == 400
        assert "Enter a correct email address and password" in page.text


async def test_sign_in_form_needs_its_token(review: ReviewHarness) -> None:
    sam = await review.staff()
    async with review.client() as client:
        forged = await client.post("/sign-in", data={"email": sam.email, "password": PASSWORD})
        assert forged.status_code == 400
        assert "tandem_session" not in forged.cookies


async def test_forms_without_the_session_token_are_refused(review: ReviewHarness) -> None:
    sam = await review.staff()
    async with review.signed_in(sam) as web:
        refused = await web.client.post("/sign-out", data={"csrf_token": "forged"})
        assert refused.status_code == 400
        assert "This form has expired" in refused.text
        assert (await web.get("/")).status_code == 200  # still signed in


async def test_idle_session_ends(review: ReviewHarness) -> None:
    sam = await review.staff()
    async with review.signed_in(sam) as web:
        review.clock.advance(minutes=61)
        assert (await web.get("/")).status_code == 303


async def test_one_time_password_must_be_changed_first(review: ReviewHarness) -> None:
    sam = await review.staff(must_change=True)
    async with review.signed_in(sam) as web:
        assert (await web.get("/")).headers["location"] == "/account/password"
        short = await web.post("/account/password", {"current": PASSWORD, "new": "short"})
        assert short.status_code == 400 and "12 characters or more" in short.text
        done = await web.post(
            "/account/password", {"current": PASSWORD, "new": "a much longer passphrase"}
        )
        assert done.status_code == 303
        assert (await web.get("/")).status_code == 200
    async with review.client() as client:
        assert (await sign_in(client, sam.email, PASSWORD)).status_code == 400
        assert (await sign_in(client, sam.email, "a much longer passphrase")).status_code == 303


async def test_security_headers(review: ReviewHarness) -> None:
    sam = await review.staff()
    async with review.signed_in(sam) as web:
        page = await web.get("/")
        csp = page.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self' 'nonce-" in csp
        assert page.headers["cache-control"] == "no-store"
        assert page.headers["x-frame-options"] == "DENY"
        cookie = [c for c in page.headers.get_list("set-cookie")]  # nothing new set on a page
        assert not cookie


async def test_ids_beyond_the_databases_range_are_not_found(review: ReviewHarness) -> None:
    # PostgreSQL refuses such a number outright; it names nothing, so it is "not found".
    sam = await review.staff()
    alex = await review.person(sam)
    async with review.signed_in(sam) as web:
        for url in (
            "/people/99999999999",
            f"/people/{alex.id}/conversations/99999999999",
            f"/people/{alex.id}/media/99999999999",
        ):
            page = await web.get(url)
            assert page.status_code == 404, url
            assert "Page not found" in page.text
        refused = await web.post(
            f"/people/{alex.id}/flags/99999999999/resolve", {"resolution": "x"}
        )
        assert refused.status_code == 404
