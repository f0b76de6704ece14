# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The REST client against a bridge that answers badly, over loopback HTTP:
paging that never ends, Retry-After as an HTTP date."""

import datetime
import email.utils

import pytest
from voip_conference_tools.provider import BadResponseError, RateLimitedError, Room
from voip_conference_tools.rest_client import RestPbxClient, retry_after_seconds

# The client's clock: a fixed instant, on a whole second as HTTP dates are.
NOW = datetime.datetime.now(datetime.UTC).replace(microsecond=0)


@pytest.fixture
def client(server, clock):
    return RestPbxClient(
        server.url,
        server.token,
        sleep=clock.append,
        page_size=2,
        max_pages=5,
        max_backoff=60,
        now=lambda: NOW,
    )


def _always(next_page):
    """A list answer rewritten to say ``next_page`` on every page."""

    def rewrite(status, payload, *headers):
        return status, payload | {"next_page": next_page}, *headers

    return rewrite


@pytest.mark.parametrize("next_page", [2, 1, 0, -3, "2"])
def test_paging_that_does_not_advance_stops_at_once(client, server, next_page):
    server.pbx.create_room(Room(name="Sales", extension="8001"))
    server.rewrites["list_rooms"] = _always(next_page)
    before = client.request_count
    with pytest.raises(BadResponseError) as caught:
        client.list_rooms()
    assert "page" in str(caught.value)
    # Page 1, then at most the page that said to go back.
    assert client.request_count - before <= 2


def test_runaway_paging_stops_at_the_page_limit(client, server):
    for i in range(3):
        server.pbx.create_room(Room(name=f"R{i}", extension=str(8100 + i)))

    def forever(status, payload, *headers):
        # Every page says there is one more: pages advance, the list never ends.
        return status, payload | {"next_page": payload["page"] + 1}, *headers

    server.rewrites["list_rooms"] = forever
    before = client.request_count
    with pytest.raises(BadResponseError) as caught:
        client.list_rooms()
    assert "5 pages" in str(caught.value)
    assert client.request_count - before == 5


def test_paging_that_ends_is_read_whole(client, server):
    for i in range(5):
        server.pbx.create_room(Room(name=f"R{i}", extension=str(8100 + i)))
    assert len(client.list_rooms()) == 5  # 3 pages of 2, within the limit


def _rate_limited_once(retry_after):
    answers = iter([True])

    def rewrite(status, payload, *headers):
        if next(answers, False):
            error = {"code": "rate_limited", "message": "Slow down."}
            return 429, {"error": error}, {"Retry-After": retry_after}
        return status, payload, *headers

    return rewrite


@pytest.mark.parametrize(
    "retry_after, expected",
    [
        (email.utils.format_datetime(NOW + datetime.timedelta(seconds=45), True), 45),
        # RFC 850 and asctime forms are HTTP dates too (RFC 9110 §5.6.7).
        (
            (NOW + datetime.timedelta(seconds=20)).strftime(
                "%A, %d-%b-%y %H:%M:%S GMT"
            ),
            20,
        ),
        ((NOW + datetime.timedelta(seconds=9)).strftime("%a %b %d %H:%M:%S %Y"), 9),
        (email.utils.format_datetime(NOW - datetime.timedelta(seconds=30), True), 0),
        ("12", 12),
    ],
)
def test_retry_after_as_a_date_or_seconds(client, server, clock, retry_after, expected):
    server.rewrites["list_rooms"] = _rate_limited_once(retry_after)
    assert client.list_rooms() == []
    assert clock == [expected]


def test_retry_after_longer_than_a_request_may_wait_is_not_cut_short(server, clock):
    server.rewrites["list_rooms"] = _rate_limited_once(
        email.utils.format_datetime(NOW + datetime.timedelta(seconds=45), True)
    )
    client = RestPbxClient(
        server.url, server.token, sleep=clock.append, max_backoff=30, now=lambda: NOW
    )
    with pytest.raises(RateLimitedError) as caught:
        client.list_rooms()
    assert caught.value.retry_after == 45
    assert clock == []  # never back before the PBX allows


@pytest.mark.parametrize("value", ["soon", "", "-5", "Wed, 99 Foo 2020"])
def test_retry_after_unreadable_is_one_second(value):
    assert retry_after_seconds(value, NOW) == (0 if value == "-5" else 1)
