# Usage errors exit 1 and say what to do.
$ frobnicate
? 1
! unknown command 'frobnicate'; see amnistia --help
$ sources --bogus
? 1
! unknown argument '--bogus'
$ show
? 1
! give a person id or a cédula
$ people --as-of 31/02/2026
? 1
! --as-of '31/02/2026'
