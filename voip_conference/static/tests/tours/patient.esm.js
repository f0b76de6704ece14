/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

/**
 * Our tours' steps wait up to 30 s for their trigger instead of Odoo's 10 s.
 * Every step waits for the element that proves a state, never for a time:
 * on a fast machine this costs nothing, on a loaded one (a CI runner, the
 * test server's requests serialised on one cursor) a form's save and reload
 * may take longer than 10 s and must still pass. A step that sets its own
 * timeout keeps it.
 */
export const STEP_TIMEOUT = 30000;

export function patient(steps) {
    return steps.map((step) => ({timeout: STEP_TIMEOUT, ...step}));
}
