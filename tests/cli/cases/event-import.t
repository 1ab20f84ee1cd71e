# event import: procedural events from a court's CSV, all rows or none; deadlines follow.
$ import --source ONG --kind ngo ong.csv
$ event import requests.csv --source Tribunal
> requests.csv: 3 events added (source Tribunal)
$ deadlines --law $AM_SOURCE_DIR/laws/ley-amnistia-2026.law --csv
>~ 1,Ana María Pérez Quintero,court_decision,7,
>~ amnesty_requested,2026-11-01,2026-11-16,met_late,2026-11-20,
>~ amnesty_requested,2026-11-25,2026-12-10,pending,,11
# A bad row refuses the whole file: the valid first row of bad-type.csv is not kept.
$ event import bad-type.csv --source Tribunal
? 2
! bad-type.csv:3:3: unknown event type 'amnistia_pedida'; event types are arrest,
% test "$(sqlite3 test.db "SELECT count(*) FROM event WHERE type = 'amnesty_requested'")" = 2
$ event import bad-person.csv --source Tribunal
? 2
! bad-person.csv:2:1: no person with cédula V-99999999
$ event import bad-date.csv --source Tribunal
? 2
! bad-date.csv:2:18: bad date '31/02/2026': day 31 does not exist in February 2026
$ event import no-date.csv --source Tribunal
? 2
! no-date.csv:1:1: no column 'date'
% test "$(sqlite3 test.db "SELECT count(*) FROM event WHERE source_id = (SELECT id FROM source WHERE name = 'Tribunal')")" = 3
$ event import requests.csv
? 1
! event import needs FILE and --source NAME
