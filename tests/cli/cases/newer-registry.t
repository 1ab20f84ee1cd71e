# A registry written by a newer amnistia is refused, and the file is left as it was.
$ sources
% sqlite3 test.db 'PRAGMA user_version = 999'
$ sources
? 2
! this registry has schema version 999
! use a newer amnistia (the file was not changed)
% test "$(sqlite3 test.db 'PRAGMA user_version')" = 999
