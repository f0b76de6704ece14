-- License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
-- A neutralized copy of a database must never act on the production PBX:
-- every PBX goes to test mode (voip_oca does it too) and syncs with the
-- built-in simulator; the provider API's URL and token and the secret that
-- signs the PBX's webhooks are cleared.
UPDATE voip_pbx
   SET mode = 'test',
       pbx_backend = 'simulator',
       api_url = NULL,
       api_token = NULL,
       conference_webhook_secret = NULL;
