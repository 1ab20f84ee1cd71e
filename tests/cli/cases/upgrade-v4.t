# A registry written by the amnistia of schema 4 (old.db: made by main before facts were
# derived at read time; three synthetic rows imported, one event added by hand) opens,
# is upgraded in place, and shows the same people, events, charges and statuses that
# version showed (the expected lines below are its output on that file; since the JSON
# keeps list_id as the list's text, `show` also prints the row's list_id, as it meant to).
% cp old.db test.db
% test "$(sqlite3 test.db 'PRAGMA user_version')" = 4
$ people --csv
> person_id,name,cedula,status,incommunicado,status_date,arrest_date,facility,sensitivity,records,sources
> 1,Ana Sintética Uno,V-10000001,detained,false,2025-06-01,2024-08-02,El Helicoide,restricted,1,ONG Sintética
> 2,Beto Sintético Dos,V-10000002,detained,true,2019-01-25,2019-01-23,Ramo Verde,restricted,1,ONG Sintética
> 3,Carla Sintética Tres,,exiled,false,2026-01-05,,,restricted,1,ONG Sintética
% test "$(sqlite3 test.db 'PRAGMA user_version')" -ge 5
# The stored copies of the records' facts are gone; the event added by hand stayed.
% test "$(sqlite3 test.db 'SELECT count(*) FROM event')" = 1
% test "$(sqlite3 test.db 'SELECT count(*) FROM charge') $(sqlite3 test.db 'SELECT count(*) FROM measure') $(sqlite3 test.db 'SELECT count(*) FROM category')" = "0 0 0"
% test "$(sqlite3 test.db "SELECT status_event FROM record WHERE list_id = '2'")" = incommunicado
$ show 1
> person 1  Ana Sintética Uno
>   cédula        V-10000001
>   status         detained since 2025-06-01
>   sensitivity    restricted
>   categories     student
> 
> records (1)
>   #1  ONG Sintética, lista.csv (as of 2026-01-05) row 1 list_id 1
>         Ana Sintética Uno | released_with_measures | El Helicoide | linked by import
> 
> events (3)
>   2024-08-02  arrest                 El Helicoide  [ONG Sintética #1]
>   2025-01-10  release_with_measures    [ONG Sintética #1]
>   2025-06-01  measures_revoked         [Tribunal]
> 
> charges (2)
>   political  Terrorismo
>   common     robo  (catalog: uncertain)
> 
> measures (1)
>   COPP-242-4   prohibición de salida del país  imposed 2025-01-10
$ show 2
>~ detained (incommunicado) since 2019-01-25
>~ 2019-01-25  incommunicado          Ramo Verde  [ONG Sintética #2]
