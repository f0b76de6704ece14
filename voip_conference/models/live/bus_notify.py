# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Wake the websocket process for bus messages already committed, through
one connection per process.

Odoo's bus sends its ``NOTIFY imbus`` on the ``postgres`` database (the one
its websocket process listens on) through a new connection each time: Odoo
keeps no connection to that database in its pool. That costs a connection
(~5 ms of both processes' time) per transaction, which a PBX pushing a
stream of events would pay per event. The message rows themselves are
``bus.bus`` records written in the transaction, as ``bus.bus._sendone``
writes them; only the wake-up goes this way.
"""

import logging
import os
import threading

import psycopg2

from odoo import sql_db

from odoo.addons.bus.models.bus import ODOO_NOTIFY_FUNCTION, get_notify_payloads

_logger = logging.getLogger(__name__)
_lock = threading.Lock()
_kept = {"pid": None, "connection": None}


def notify(channels):
    """``NOTIFY imbus`` for ``channels`` (full bus channels, with the
    database): their new messages reach the websockets listening."""
    payloads = get_notify_payloads(list(channels))
    if not payloads:
        return
    query = f"SELECT {ODOO_NOTIFY_FUNCTION}('imbus', %s)"
    with _lock:
        for attempt in range(2):
            try:
                with _connection().cursor() as cr:
                    for payload in payloads:
                        cr.execute(query, [payload])
                return
            except psycopg2.Error as error:
                _drop()
                if attempt:
                    _logger.warning("Bus notification not sent: %s", error)


def _connection():
    """This process's connection to the ``postgres`` database (a forked
    worker makes its own)."""
    if _kept["pid"] != os.getpid() or _kept["connection"] is None:
        _dbname, info = sql_db.connection_info_for("postgres")
        connection = psycopg2.connect(**info)
        connection.autocommit = True
        _kept.update(pid=os.getpid(), connection=connection)
    return _kept["connection"]


def _drop():
    connection = _kept["connection"]
    _kept.update(pid=None, connection=None)
    if connection is not None and not connection.closed:
        connection.close()
