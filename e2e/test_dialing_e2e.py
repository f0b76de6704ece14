"""Dialing correctness on the real SIP stack (issue 10), judged at the far end.

- double_click: Join double-clicked in the softphone's Conferences tab;
- join_in_call: Join from a room's form while a call is up;
- microphone_refused: a Join whose call cannot start (the browser refuses
  the microphone once), then Join again;
- label_one_tap: a contact's phone holding a one-tap line pasted from an
  invitation, label included (``+32 2 555 01 00,,1234# BE (Brussels)``).
"""

from conftest import ACCESS_CODE
from far_end import Call

CODE = f"{ACCESS_CODE}#"


def _calls(run, case):
    """Every call the far end saw during ``case`` (a list, maybe empty)."""
    found = run.by_case.get(case)
    if isinstance(found, Call):
        return [found]
    return list(found or [])


def _no_browser_error(run, case):
    errors = run.case_events(case, "case_error")
    assert not errors, f"{case}: the browser failed: {errors[0]['error']}"


def test_double_click_on_join_places_one_call(run):
    _no_browser_error(run, "double_click")
    calls = _calls(run, "double_click")
    assert len(calls) == 1, f"{len(calls)} calls reached the far end"
    [call] = calls
    # The code once, in full; and the hang-up ended that call.
    assert call.rfc4733_digits + call.info_digits == CODE
    assert call.bye, "the call was never hung up"
    assert run.case_events("double_click", "dialogs")[0]["count"] == 0


def test_join_while_in_a_call_is_refused_and_the_call_kept(run):
    _no_browser_error(run, "join_in_call")
    calls = _calls(run, "join_in_call")
    assert len(calls) == 1, f"{len(calls)} calls reached the far end"
    [call] = calls
    assert "8002" in call.request_uri  # the first call: the open room
    assert call.events == [] and call.infos == []  # no code of the second room
    refused = run.case_events("join_in_call", "refused")
    assert refused, "no message said the Join was refused"
    # The first call stayed up, with its controls, until it was hung up.
    assert run.case_events("join_in_call", "controls")[0]["hang_up_buttons"] == 1
    hung_up = run.case_events("join_in_call", "hung_up")[0]["t"]
    assert call.bye >= hung_up - 0.5, "the first call ended before its hang-up"


def test_one_tap_with_a_label_dials_e164_and_sends_only_the_tones(run):
    _no_browser_error(run, "label_one_tap")
    calls = _calls(run, "label_one_tap")
    assert len(calls) == 1, f"{len(calls)} calls reached the far end"
    [call] = calls
    # The + of the E.164 number reaches the PBX (voip_oca dropped it).
    assert call.request_user == "+3225550100", call.request_uri
    # The label's letters are no tones: B and E were sent as A-D events.
    assert call.rfc4733_digits == CODE
    assert call.info_digits == ""
    # ",," = two pauses of 2 s, counted once the media connected.
    assert call.events[0][0] >= call.answer + 4.0


def test_a_join_whose_call_cannot_start_leaves_the_phone_free(run):
    _no_browser_error(run, "microphone_refused")
    assert run.case_events("microphone_refused", "failed_notice")
    # voip_oca kept the failed call: every later Join was refused as "a call
    # is in progress" until the user hung up a call that never existed.
    assert run.case_events("microphone_refused", "free_again")
    # The failed INVITE never left the browser; the second Join reached the
    # room and sent its code.
    calls = _calls(run, "microphone_refused")
    assert len(calls) == 1, f"{len(calls)} calls reached the far end"
    [call] = calls
    assert call.rfc4733_digits + call.info_digits == CODE
    assert call.bye, "the call was never hung up"
