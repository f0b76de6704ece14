# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Provider capabilities: the simulator declares them, the REST client reads
them over loopback HTTP, and a key the PBX does not send counts as False."""

import pytest
from voip_conference_tools.provider import CAPABILITIES, PbxBackend
from voip_conference_tools.rest_client import RestPbxClient
from voip_conference_tools.rest_server import SimulatedPbxServer
from voip_conference_tools.simulated_pbx import SimulatedPbx

TOKEN = "capabilities-token"


def test_simulator_supports_everything_by_default():
    assert SimulatedPbx().capabilities() == dict.fromkeys(CAPABILITIES, True)


def test_simulator_switches_features_off_and_refuses_unknown_names():
    pbx = SimulatedPbx()
    pbx.set_capabilities(events=False, lock=False)
    caps = pbx.capabilities()
    assert caps["events"] is False and caps["lock"] is False and caps["mute"]
    with pytest.raises(ValueError):
        pbx.set_capabilities(teleport=True)
    # The declaration is part of the state Odoo keeps in its database.
    assert SimulatedPbx.from_state(pbx.to_state()).capabilities() == caps


def test_a_backend_that_declares_nothing_supports_nothing():
    class Bare(PbxBackend):
        list_rooms = create_room = update_room = delete_room = None
        list_numbers = set_number_destination = apply_changes = None
        invite = list_participants = None

    Bare.__abstractmethods__ = frozenset()
    assert Bare().capabilities() == dict.fromkeys(CAPABILITIES, False)


def test_rest_client_reads_capabilities_over_http():
    with SimulatedPbxServer(TOKEN) as server:
        server.pbx.set_capabilities(remove=False)
        client = RestPbxClient(server.url, TOKEN)
        caps = client.capabilities()
        assert caps == dict.fromkeys(CAPABILITIES, True) | {"remove": False}
        assert server.requests[-1] == ("GET", "/v1/capabilities")


def test_rest_client_counts_missing_keys_as_false_and_keeps_new_ones():
    with SimulatedPbxServer(TOKEN) as server:
        del server.pbx.state["capabilities"]["events"]
        server.pbx.state["capabilities"]["bulk"] = True
        caps = RestPbxClient(server.url, TOKEN).capabilities()
        assert caps["events"] is False
        assert caps["bulk"] is True
