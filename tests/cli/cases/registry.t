# Import two lists and read the registry back: sources, snapshots, people, show, links,
# export. Until linking runs, each record is its own person.
$ import --source ONG --kind ngo --as-of 2026-01-25 ong.csv
> ong.csv: snapshot 1 of source ONG: 2 records imported, 0 rejected
$ import --source Ministerio --kind official --as-of 2026-01-26 official.csv
> official.csv: snapshot 2 of source Ministerio: 1 records imported, 0 rejected
$ sources --csv
> id,name,kind,snapshots,records
> 2,Ministerio,official,1,1
> 1,ONG,ngo,1,2
$ people --csv
> person_id,name,cedula,status,incommunicado,status_date,arrest_date,facility,sensitivity,records,sources
> 1,"PÉREZ QUINTERO, Ana María",V-12345678,detained,false,2024-08-02,2024-08-02,Rodeo I,public,1,ONG
> 2,José Gregorio González,9876543,released_with_measures,false,2026-01-20,2019-01-23,Ramo Verde,restricted,1,ONG
> 3,ANA MARIA PEREZ QUINTERO,V-12345678,released_with_measures,false,2026-01-20,,,restricted,1,Ministerio
$ people --status detained --csv
>~ 1,"PÉREZ QUINTERO, Ana María"
$ people --status released_with_measures --source Ministerio
>~ ANA MARIA PEREZ QUINTERO
>~ 1 persons
$ people --as-of 2025-01-01 --status released_with_measures
>~ 0 persons
$ people --status preso
? 1
! unknown status 'preso'
$ links --csv
> source,list_id,person_id
> ONG,A1,1
> ONG,A2,2
> Ministerio,M1,3
$ show 2
>~ person 2  José Gregorio González
>~   status         released_with_measures since 2026-01-20
>~   2019-01-23  arrest                 Ramo Verde  [ONG #2]
>~   military   rebelión militar
$ show 2 --json
>~ "status":"released_with_measures"
# One cédula on two persons (not linked yet) is a conflict, said plainly.
$ show V-12.345.678
? 2
! cédula 12345678 is on records of 2 persons (1, 3)
$ show 77
? 2
! no person with id or cédula 77
$ export --csv
>~ 2,released_with_measures,ONG,A2,José Gregorio González,jose gregorio,gonzalez,9876543,M,,,2019-01-23,,,Ramo Verde,,rebelión militar,released_with_measures,2026-01-20,,,military,restricted,
$ export --json
>~ "display_name":"ANA MARIA PEREZ QUINTERO"
$ export
? 1
! say --json or --csv
$ people set-sensitivity 3 public
> person 3 is now public
$ people set-sensitivity 3 secreto
? 2
! unknown sensitivity 'secreto'
