# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from contextlib import contextmanager

from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, new_test_user

MANAGER_GROUPS = "base.group_user,voip_conference.voip_conference_group_manager"
USER_GROUPS = "base.group_user,voip_conference.voip_conference_group_user"


class VoipConferenceCase(TransactionCase):
    """Two PBXs, a manager, a conference user and a plain internal user.

    Nothing here depends on demo data.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.company.country_id = cls.env.ref("base.be")
        cls.pbx = cls.env["voip.pbx"].create({"name": "Test PBX"})
        cls.other_pbx = cls.env["voip.pbx"].create({"name": "Other PBX"})
        cls.manager = new_test_user(
            cls.env,
            login="vc_manager",
            groups=MANAGER_GROUPS,
            voip_pbx_id=cls.pbx.id,
            voip_extension="200",
        )
        cls.conf_user = new_test_user(
            cls.env,
            login="vc_user",
            groups=USER_GROUPS,
            voip_pbx_id=cls.pbx.id,
            voip_extension="201",
        )
        cls.internal_user = new_test_user(
            cls.env, login="vc_internal", groups="base.group_user"
        )
        cls.Room = cls.env["voip.conference"]
        cls.Number = cls.env["voip.incoming.number"]

    @classmethod
    def _room(cls, extension="8001", **vals):
        return cls.Room.create(
            {"name": f"Room {extension}", "extension": extension, "pbx_id": cls.pbx.id}
            | vals
        )

    @classmethod
    def _number(cls, number="+3225550100", **vals):
        return cls.Number.create({"number": number, "pbx_id": cls.pbx.id} | vals)

    @contextmanager
    def assertRefused(self, exception=ValidationError, regex=""):
        """The block raises ``exception`` and leaves nothing behind.

        As in a real request, the refused change is rolled back: the
        savepoint undoes it and the cache is read again from the database.
        """
        with self.assertRaisesRegex(exception, regex) as caught:
            with self.env.cr.savepoint():
                yield caught
        self.env.invalidate_all()
