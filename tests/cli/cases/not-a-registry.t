# A file that is not SQLite is refused with exit 2 and a hint.
$ --db notes.txt sources
? 2
! not an amnistia registry
