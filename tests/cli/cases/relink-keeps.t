# Linking merges persons; what belongs to a person (reviewers' facts, a sensitivity set by
# hand) follows the merged person, and nothing is left pointing at a removed person.
$ import --source ONG --kind ngo a.csv
$ import --source Tribunal --kind court b.csv
$ people set-sensitivity 1 public
$ people set-sensitivity 4 sealed
$ facts set 3 armed_action false --by revisora --note "expediente revisado"
$ link
$ people --csv
>~ ,public,2,
>~ ,sealed,2,
% test "$(sqlite3 test.db 'SELECT count(*) FROM person')" = 2
% test "$(sqlite3 test.db 'SELECT count(*) FROM person_fact WHERE person_id NOT IN (SELECT id FROM person)')" = 0
% test "$(sqlite3 test.db 'SELECT count(*) FROM person_fact')" = 1
% test "$(sqlite3 test.db 'PRAGMA foreign_key_check' | wc -l)" = 0
# Relinking changes nothing and keeps the hand-set levels.
$ link
$ people --csv
>~ ,public,2,
>~ ,sealed,2,
