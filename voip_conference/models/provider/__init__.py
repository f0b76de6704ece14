# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# The PBX's client: the REST provider API or the built-in simulator, and the
# wording of its errors.
from . import voip_pbx
