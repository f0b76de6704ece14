# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the screens rely on: Duplicate, numbers as people read them, sync
runs named, judged by their outcome and cleaned up."""

from datetime import datetime, time, timedelta

from lxml import etree

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.modules.module import load_script
from odoo.tests import tagged
from odoo.tools import SQL, file_path
from odoo.tools.safe_eval import safe_eval

from ..tools.provider import Room
from .common import VoipConferenceCase


@tagged("post_install", "-at_install")
class TestDuplicate(VoipConferenceCase):
    def test_manager_duplicates_a_room_onto_the_next_free_extension(self):
        room = self._room("8001", access_code="1234", wait_for_admin=True)
        self._room("8002")
        # 8003 is a user's extension: the numbering plan is shared.
        self.manager.voip_extension = "8003"
        copy = room.with_user(self.manager).copy()
        self.assertEqual(copy.name, "Room 8001 (copy)")
        self.assertEqual(copy.extension, "8004")
        self.assertTrue(copy.wait_for_admin)
        self.assertFalse(copy.sudo().access_code, "an access code is not copied")
        self.assertFalse(copy.remote_id)
        self.assertEqual(copy.sync_state, "pending")
        again = room.with_user(self.manager).copy()
        self.assertEqual(again.extension, "8005")

    def test_duplicate_of_several_rooms_gives_each_its_own_extension(self):
        rooms = self._room("8001") | self._room("8002")
        copies = rooms.with_user(self.manager).copy()
        self.assertEqual(copies.mapped("extension"), ["8003", "8004"])

    def test_duplicate_of_rooms_of_two_pbxs_reads_each_numbering_plan(self):
        # 8002 is taken on the first PBX only: the other PBX's copy may have it.
        rooms = self._room("8001") | self._room("8001", pbx_id=self.other_pbx.id)
        self._room("8002")
        copies = rooms.with_user(self.manager).copy()
        self.assertEqual(copies.mapped("extension"), ["8003", "8002"])
        self.assertEqual(copies.mapped("pbx_id"), self.pbx | self.other_pbx)

    def test_duplicate_keeps_the_extension_asked_for(self):
        room = self._room("8001")
        copy = room.copy({"extension": "9000", "name": "Board"})
        self.assertEqual((copy.name, copy.extension), ("Board", "9000"))

    def test_duplicate_on_a_full_numbering_range_says_why(self):
        room = self._room("98")
        self._room("99")
        with self.assertRefused(UserError, "No free extension follows 98"):
            room.copy()

    def test_duplicate_on_a_full_pbx_says_the_limit(self):
        self.pbx.conference_max_rooms = 1
        room = self._room("8001")
        with self.assertRefused(ValidationError, "at most 1 active rooms"):
            room.copy()

    def test_conference_user_may_not_duplicate(self):
        room = self._room("8001")
        with self.assertRefused(AccessError):
            room.with_user(self.conf_user).copy()
        # Even where a manager's copy fails for a reason of its own: no
        # four-digit extension follows 9999.
        full = self._room("9999")
        with self.assertRefused(AccessError):
            full.with_user(self.conf_user).copy()
        with self.assertRefused(UserError, "No free extension"):
            full.with_user(self.manager).copy()

    def test_a_number_is_not_duplicated_but_says_why(self):
        number = self._number("+3225550100")
        with self.assertRefused(UserError, "cannot be duplicated"):
            number.with_user(self.manager).copy()
        copy = number.copy({"number": "+3225550101"})
        self.assertEqual(copy.number, "+3225550101")
        # Who may not create numbers is told that, whatever is copied.
        for user in (self.internal_user, self.conf_user):
            with self.assertRefused(AccessError):
                number.with_user(user).copy()
            with self.assertRefused(AccessError):
                number.with_user(user).copy({"number": "+3225550102"})


@tagged("post_install", "-at_install")
class TestNumberDisplay(VoipConferenceCase):
    def test_the_country_is_the_numbers_own(self):
        self.company.country_id = self.env.ref("base.us")
        number = self._number("+3225550100", name="Brussels office")
        self.assertEqual(number.country_id, self.env.ref("base.be"))
        self.assertEqual(number.number_display, "+32 2 555 01 00")
        self.assertEqual(number.display_name, "+32 2 555 01 00 (Brussels office)")
        # A country chosen to read the number cannot contradict it.
        paris = self._number("+33 1 42 68 53 00", country_id=self.env.ref("base.be").id)
        self.assertEqual(paris.country_id, self.env.ref("base.fr"))
        self.assertEqual(paris.number, "+33142685300")
        # A national number is read with the country given, then shown in full.
        madrid = self._number("915 55 01 00", country_id=self.env.ref("base.es").id)
        self.assertEqual(madrid.number, "+34915550100")
        self.assertEqual(madrid.number_display, "+34 915 55 01 00")

    def test_the_form_edits_the_number_as_people_read_it(self):
        numbers = self.Number.with_user(self.manager)
        number = numbers.create(
            {"number_display": "+32 2 555 01 77", "pbx_id": self.pbx.id}
        )
        self.assertEqual(number.number, "+3225550177")
        number.write({"number_display": "02 555 01 78"})
        self.assertEqual(number.number, "+3225550178")
        self.assertEqual(number.number_display, "+32 2 555 01 78")

    def test_the_upgrade_gives_stored_numbers_their_own_country(self):
        """Numbers saved before 19.0.1.1.0 carry the company's country
        (the observation: a Brussels number shown in the United States)."""
        brussels = self._number("+3225550100")
        paris = self._number("+33142685300")
        us = self.env.ref("base.us")
        self.env.cr.execute(
            SQL(
                "UPDATE voip_incoming_number SET country_id = %s WHERE id IN %s",
                us.id,
                (brussels | paris)._ids,
            )
        )
        (brussels | paris).invalidate_recordset(["country_id"])
        self.assertEqual(brussels.country_id, us)
        # As Odoo's upgrade loads it.
        migration = load_script(
            file_path("voip_conference/migrations/19.0.1.1.0/post-migrate.py"),
            "voip_conference_post_migrate_19_0_1_1_0",
        )
        migration.migrate(self.env.cr, "19.0.1.0.0")
        (brussels | paris).invalidate_recordset(["country_id"])
        self.assertEqual(brussels.country_id, self.env.ref("base.be"))
        self.assertEqual(paris.country_id, self.env.ref("base.fr"))
        self.assertEqual(brussels.number, "+3225550100", "the number is kept")


@tagged("post_install", "-at_install")
class TestSyncRuns(VoipConferenceCase):
    def _run(self, **vals):
        return self.env["voip.pbx.sync.run"].create(
            {"pbx_id": self.pbx.id, "trigger": "cron", "direction": "both"} | vals
        )

    def _started(self, run, days_ago):
        # create_date is the transaction's: set it as a run of long ago had it.
        self.env.cr.execute(
            SQL(
                "UPDATE voip_pbx_sync_run SET create_date = %s WHERE id = %s",
                fields.Datetime.now() - timedelta(days=days_ago),
                run.id,
            )
        )
        run.invalidate_recordset(["create_date"])
        return run

    def test_a_run_has_a_name(self):
        run = self._run()
        self.assertIn("Test PBX", run.display_name)
        self.assertIn("Scheduled", run.display_name)
        self.assertNotIn("voip.pbx.sync.run", run.display_name)

    def test_runs_of_one_minute_have_different_names(self):
        """The name says the second the run started: a minute of saves gives
        runs a manager tells apart."""
        runs = self.env["voip.pbx.sync.run"]
        for second in (7, 21, 48):
            run = self._run(trigger="save")
            self.env.cr.execute(
                SQL(
                    "UPDATE voip_pbx_sync_run SET create_date = %s WHERE id = %s",
                    datetime.combine(fields.Date.today(), time(10, 15, second)),
                    run.id,
                )
            )
            runs |= run
        runs.invalidate_recordset(["create_date", "display_name"])
        names = runs.with_user(self.manager).mapped("display_name")
        self.assertEqual(len(set(names)), 3, names)
        self.assertIn(":07", names[0])

    def _search_filter(self, name):
        """The runs the search view's filter ``name`` shows a manager."""
        Run = self.env["voip.pbx.sync.run"].with_user(self.manager)
        arch = Run.get_views([(False, "search")])["views"]["search"]["arch"]
        node = etree.fromstring(arch).xpath(f"//filter[@name='{name}']")[0]
        return Run.search(
            [("pbx_id", "=", self.pbx.id)] + safe_eval(node.get("domain"))
        )

    def test_failed_filter_shows_only_failed_runs(self):
        runs = {
            status: self._run(status=status)
            for status in ("done", "conflicts", "partial", "failed", "skipped")
        }
        self.assertEqual(self._search_filter("failed"), runs["failed"])
        self.assertEqual(
            set(self._search_filter("problems").mapped("status")),
            {"conflicts", "partial", "failed"},
        )

    def test_a_run_that_left_conflicts_is_not_done(self):
        Run = self.env["voip.pbx.sync.run"]
        self.assertEqual(Run._final_status("done", {"conflicts": 2}), "conflicts")
        self.assertEqual(Run._final_status("done", {"errors": 1}), "partial")
        self.assertEqual(Run._final_status("done", {"pushed": 4}), "done")
        self.assertEqual(Run._final_status("failed", {"conflicts": 1}), "failed")

    def test_a_real_conflict_shows_under_problems(self):
        room = self._room("8001")
        self.pbx._sync(trigger="manual", apply=True)
        # Changed in the PBX's console and in Odoo since they last agreed.
        with self.pbx._provider() as backend:
            backend.update_room(room.remote_id, Room(name="PBX", extension="8001"))
        room.name = "Odoo"
        run = self.pbx._sync(trigger="cron")
        self.assertEqual(room.sync_state, "conflict")
        self.assertEqual(run.status, "conflicts")
        self.assertIn("1 conflicts", run.summary)
        problems = self.env["voip.pbx.sync.run"].search(
            [("status", "in", ("failed", "partial", "conflicts"))]
        )
        self.assertIn(run, problems)

    def test_apply_says_what_it_put_in_production(self):
        rooms = self._room("8001") | self._room("8002") | self._room("8003")
        self.pbx._sync(trigger="save", pull=False)
        self.assertEqual(set(rooms.mapped("sync_state")), {"pushed"})
        result = rooms.with_user(self.manager).action_apply_changes()
        self.assertIn("3 put in production", result["params"]["message"])
        self.assertNotIn("0 created", result["params"]["message"])
        run = self.pbx.sync_run_ids[:1]
        self.assertEqual(run.applied, 3)

    def test_nothing_to_do_is_said(self):
        run = self.pbx._sync(trigger="cron")
        self.assertEqual(run.status, "done")
        self.assertIn("Nothing to change", run.summary)

    def test_runs_are_kept_for_the_retention_then_deleted(self):
        self.assertEqual(self.pbx.sync_run_retention_days, 90)
        old = self._started(self._run(), days_ago=91)
        old_other = self._started(self._run(pbx_id=self.other_pbx.id), days_ago=91)
        recent = self._started(self._run(), days_ago=89)
        self.other_pbx.sync_run_retention_days = 0  # kept forever
        self.env["voip.pbx.sync.run"]._gc_sync_runs()
        self.assertFalse(old.exists())
        self.assertTrue(recent.exists())
        self.assertTrue(old_other.exists())
        self.pbx.sync_run_retention_days = 30
        self.env["voip.pbx.sync.run"]._gc_sync_runs()
        self.assertFalse(recent.exists())

    def test_the_clean_up_runs_daily(self):
        """The retention is applied by Odoo's daily autovacuum."""
        method = type(self.env["voip.pbx.sync.run"])._gc_sync_runs
        self.assertTrue(getattr(method, "_autovacuum", False))


@tagged("post_install", "-at_install")
class TestVoipOcaWords(VoipConferenceCase):
    """voip_oca ships no French or Spanish: the softphone's "Calls",
    "Contacts" and "No contact info" come from this addon's .po files. Odoo
    reads a module's code translations from its own i18n folder only, and
    sends each module's web terms to the browser, whose _t falls back on
    any module's translation of the same text (translatedTermsGlobal)."""

    def test_the_web_client_receives_them_in_french_and_spanish(self):
        from odoo.tools.translate import code_translations

        expected = {
            "fr_FR": {
                "Calls": "Appels",
                "No contact info": "Aucune information de contact",
            },
            "es_ES": {
                "Calls": "Llamadas",
                "No contact info": "Sin información de contacto",
            },
        }
        for lang, words in expected.items():
            voip_oca = {
                m["id"]: m["string"]
                for m in code_translations.get_web_translations("voip_oca", lang)[
                    "messages"
                ]
            }
            ours = {
                m["id"]: m["string"]
                for m in code_translations.get_web_translations(
                    "voip_conference", lang
                )["messages"]
            }
            for source, translated in words.items():
                self.assertNotIn(source, voip_oca, "voip_oca has its own now")
                self.assertEqual(ours.get(source), translated)
            self.assertIn("Contacts", ours)
