"""Join on a real SIP stack, judged at the far end.

The browser (real voip_oca widget, SIP.js, Chromium) calls through Kamailio
and rtpengine; the far end (SIPp) answers; the capture says which digits it
received, how and when. See e2e/conftest.py for the stack.
"""

import pytest
from conftest import (
    ACCESS_CODE,
    KEYPAD_CLICKED,
    KEYPAD_TYPED,
    RECEPTIONIST_DELAY_S,
)
from far_end import Call

CODE = f"{ACCESS_CODE}#"


def _call(run, case):
    errors = run.case_events(case, "case_error")
    assert not errors, f"{case}: the browser failed: {errors[0]['error']}"
    call = run.by_case.get(case)
    assert isinstance(call, Call), (
        f"{case}: expected exactly one call at the far end, got {call!r}\n"
        f"browser log:\n{run.browser_log[-3000:]}"
    )
    assert call.answer, f"{case}: the far end never answered"
    return call


def _spacing(times):
    return [round(b - a, 3) for a, b in zip(times, times[1:], strict=False)]


def test_browser_registered_and_finished(run):
    names = [e["event"] for e in run.events]
    assert "registered" in names, run.browser_log[-3000:]
    assert "done" in names, run.browser_log[-3000:]


def test_no_error_in_the_page(run):
    errors = [e["error"] for e in run.events if e["event"] == "page_error"]
    assert errors == []


def test_1_access_code_as_rfc4733_after_the_delay(run):
    call = _call(run, "rfc4733")
    assert call.rfc4733_digits == CODE
    assert call.info_digits == ""
    first = call.events[0][0]
    assert first >= call.answer + RECEPTIONIST_DELAY_S, (
        f"first tone {first - call.answer:.3f} s after the answer, "
        f"before the {RECEPTIONIST_DELAY_S} s delay"
    )
    # Sent once the media connected, then the delay: not seconds later.
    assert first <= call.answer + RECEPTIONIST_DELAY_S + 2.0


def test_2_access_code_as_sip_info(run):
    call = _call(run, "info")
    assert call.info_digits == CODE
    assert [info.answered for info in call.infos] == [200] * len(CODE)
    assert call.rfc4733_digits == ""
    assert call.infos[0].t >= call.answer + RECEPTIONIST_DELAY_S
    # One digit per request, spaced (250 ms in the sequencer).
    assert min(_spacing([info.t for info in call.infos])) >= 0.2


def test_3_room_without_code_sends_nothing(run):
    call = _call(run, "no_code")
    assert call.events == []
    assert call.infos == []
    assert call.bye, "the call was not hung up"
    # Nor does the widget say anything about a code.
    assert run.case_events("no_code", "status_seen")[0]["status"] == ""


def test_4_hang_up_before_the_delay_sends_nothing(run):
    call = _call(run, "hangup_early")
    assert call.events == []
    assert call.infos == []
    assert (
        call.bye < call.answer + RECEPTIONIST_DELAY_S
    ), "the browser hung up after the delay: the case proves nothing"
    # Hung up while the widget said it was waiting for the receptionist.
    assert run.case_events("hangup_early", "status")[0]["status"].startswith("Waiting")


@pytest.mark.parametrize(
    ("case", "keys"),
    [("keypad_typed", KEYPAD_TYPED), ("keypad_clicked", KEYPAD_CLICKED)],
)
def test_5_in_call_keypad_keys_arrive_complete_and_in_order(run, case, keys):
    call = _call(run, case)
    assert call.rfc4733_digits == keys
    assert call.infos == []
    typed = (
        run.case_events(case, "keys_end")[0]["t"]
        - run.case_events(case, "keys_start")[0]["t"]
    )
    # Faster than the tones play (the far end's own spacing of the tones):
    # the case is about keys that outrun them, whatever the machine's load.
    times = [event[0] for event in call.events]
    played = times[-1] - times[0]
    assert typed < played, f"{len(keys)} keys took {typed:.3f} s, tones {played:.3f} s"


def test_6_one_tap_string_on_a_contact(run):
    call = _call(run, "one_tap")
    assert call.rfc4733_digits == CODE
    # ",," = two pauses of 2 s, counted once the media connected.
    assert call.events[0][0] >= call.answer + 4.0


@pytest.mark.parametrize(
    "case",
    ["rfc4733", "info", "no_code", "hangup_early", "keypad_typed", "keypad_clicked"],
)
def test_7_voip_call_rows(run, case):
    rows = [e["call"] for e in run.case_events(case, "call_row")]
    assert [r["state"] for r in rows] == ["calling", "ongoing", "terminated"], rows
    calling, ongoing, terminated = rows
    assert calling["id"] == ongoing["id"] == terminated["id"]
    assert calling["start_date"] is False
    assert ongoing["start_date"] and not ongoing["end_date"]
    assert terminated["end_date"] >= terminated["start_date"]
    final = run.rows[case]
    assert final["state"] == "terminated"
    assert final["start_date"] == ongoing["start_date"]
    room = "plain" if case in ("no_code", "keypad_typed", "keypad_clicked") else "code"
    assert final["conference_id"] and final["conference_id"][0] == run.rooms[room]["id"]


def test_one_tap_call_row_has_no_room(run):
    rows = [e["call"] for e in run.case_events("one_tap", "call_row")]
    assert [r["state"] for r in rows] == ["calling", "ongoing", "terminated"], rows
    assert run.rows["one_tap"]["conference_id"] is False


def test_stack_stopped_and_nothing_left_listening(run):
    assert run.left_listening == [], run.left_listening
