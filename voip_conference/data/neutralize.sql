-- License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
-- A neutralized copy of a database must never act on the production PBX.
-- voip_oca already puts every PBX in test mode; the provider connection that
-- a later version adds (backend, URL, token) is reset here as well.
UPDATE voip_pbx SET mode = 'test';
