# Lists written by other hands than synth, as Venezuelan sources publish them (invented
# names): a ministry's release list (Windows-1252, ';', CRLF, a title and an empty row
# above the header, an empty row of separators at the end, surnames first, mixed cédula
# formats), an NGO's list (UTF-8 with BOM, quoted commas and newlines, split names,
# free-text charges, Spanish statuses, dates with month names), a family committee's JSON
# Lines, and a press list with gaps. Each is read the way a careful person would.
# Latin-1 below a title: the encoding is the problem named, and nothing is written.
$ import --source Ministerio --kind official --as-of 2026-01-20 --map ministerio.map ministerio.csv
? 2
! ministerio.csv:3:2: byte 0xB0 is not UTF-8: the file looks like Latin-1/Windows-1252; pass --encoding latin1
$ sources --csv
> id,name,kind,snapshots,records
$ import --source Ministerio --kind official --as-of 2026-01-20 --map ministerio.map --encoding latin1 ministerio.csv
> ministerio.csv: snapshot 1 of source Ministerio: 6 records imported, 0 rejected
! warning: ministerio.csv: lines 1-2 above the header (line 3) are not part of the list (a title?)
$ import --source ONG --kind ngo --as-of 2026-01-25 --map ong.map ong.csv
> ong.csv: snapshot 2 of source ONG: 8 records imported, 0 rejected
$ import --source Comite --kind family --as-of 2026-02-01 --map familias.map familias.jsonl
> familias.jsonl: snapshot 3 of source Comite: 4 records imported, 0 rejected
# A bad row refuses the whole command: file, line, column, what to do; nothing written.
$ import --source Prensa --kind press --as-of 2026-02-03 malo.csv prensa.csv
? 2
! 3 bad rows; nothing was imported.
! malo.csv:2:14: arrest_date '31/02/2024': day 31 does not exist in February 2024; write YYYY-MM-DD or DD/MM/YYYY, or leave it empty
$ sources --csv
> id,name,kind,snapshots,records
> 3,Comite,family,1,4
> 1,Ministerio,official,1,6
> 2,ONG,ngo,1,8
$ import --source Prensa --kind press --as-of 2026-02-03 --skip-bad rechazos.csv malo.csv prensa.csv
> malo.csv: snapshot 4 of source Prensa: 0 records imported, 3 rejected
> prensa.csv: snapshot 5 of source Prensa: 3 records imported, 0 rejected
> 3 bad rows written to rechazos.csv
% grep -q 'malo.csv,3,13,"cedula .V-1234A678.: letter .A. at character 7' rechazos.csv
% grep -q 'status ""de vacaciones"" -> STATUS, with the status it means' rechazos.csv
# Before linking: the ministry's parsed names, statuses and cédulas.
$ people --csv --source Ministerio
> person_id,name,cedula,status,incommunicado,status_date,arrest_date,facility,sensitivity,records,sources
> 1,RAMIREZ SOTO JOSE GREGORIO,V-12345678,released,false,2026-01-15,,,restricted,1,Ministerio
> 2,"PEÑA MARQUEZ, ANA KARINA",V-18765432,released,false,2026-01-16,,,restricted,1,Ministerio
> 3,DE LA CRUZ BRICEÑO LUISA ELENA,8765432,released,false,2026-01-16,,,restricted,1,Ministerio
> 4,GONZALEZ DE LOPEZ MARIA AUXILIADORA,E-84123456,released,false,2026-01-17,,,restricted,1,Ministerio
> 5,URDANETA VILLALOBOS PEDRO,V-20111222,released,false,2026-01-17,,,restricted,1,Ministerio
> 6,ÑAÑEZ ORTIZ CARMEN ROSA,V-9876543,released,false,2026-01-18,,,restricted,1,Ministerio
# The NGO's statuses and dates as written ("desaparecido forzosamente", "12-ene-2025",
# "15 de enero de 2026", "2 de agosto de 2024 00:00", "Detenido/a").
$ people --csv --source ONG
>~ 7,José Gregorio Ramírez Soto,V-12345678,released_with_measures,false,2026-01-15,2024-08-05,Rodeo I,public,1,ONG
>~ 11,Rafael Antonio Mendoza Uzcátegui,14222333,disappeared,false,2025-01-12,2025-01-12,,public,1,ONG
>~ 12,Yusmary Colmenares,,exiled,false,2026-01-25,2024-08-20,,public,1,ONG
>~ 14,Óscar Eduardo Villegas Parra,V-15432198,detained,false,2024-08-02,2024-08-02,Fénix Lara,public,1,ONG
$ link
>~ threshold
# The ministry says released, the NGO (and the committee) released with measures on
# the same day: the measures stand. The ministry's GONZALEZ DE LOPEZ MARIA AUXILIADORA
# is the NGO's María Auxiliadora González de López (married name written two ways, the
# same cédula and facility).
$ people --csv --status released_with_measures
> person_id,name,cedula,status,incommunicado,status_date,arrest_date,facility,sensitivity,records,sources
> 1,RAMIREZ SOTO JOSE GREGORIO,V-12345678,released_with_measures,false,2026-01-15,2024-08-05,Rodeo I,restricted,2,"Ministerio,ONG"
> 4,GONZALEZ DE LOPEZ MARIA AUXILIADORA,E-84123456,released_with_measures,false,2026-01-17,2024-09-10,Tocorón,restricted,3,"Ministerio,ONG,Comite"
# Charges written in one phrase are two charges: the homicide is not hidden.
$ show V-15.432.198
>~ person 14  Óscar Eduardo Villegas Parra
>~   political  Traición a la patria
>~   homicide   homicidio intencional  (catalog: likely)
# The number under the other letter is said, not silently taken.
$ show V-84.123.456
? 2
! no person with cédula V-84123456, but the number 84123456 is on person 4 under the other letter (E); show it by id, or without V/E
$ show 84123456
>~ person 4  GONZALEZ DE LOPEZ MARIA AUXILIADORA
>~   cédula        E-84123456
$ show 1
>~   political  TRAICIÓN A LA PATRIA
>~   political  terrorismo
>~   COPP-242-4   prohibición de salida del país  imposed 2026-01-15
$ eligibility --law $AM_SOURCE_DIR/laws/anuncio-2026-01-30.law --csv
>~ 14,Óscar Eduardo Villegas Parra,detained,excluded,homicide,2,charges,
# The press's Ana Karina Peña at "Helicoide" is the ministry's and the NGO's at "El
# Helicoide" (the same arrest date, no cédula on the press list).
$ links --csv
>~ Ministerio,,1
>~ ONG,1,1
>~ Comite,,11
>~ Prensa,,17
>~ Prensa,,2
# Facility names that differ only in case and accents, or by the town added in brackets
# ("INOF" and "INOF (Los Teques)"), are no disagreement.
$ compare Ministerio ONG --csv
>~ disagree,1,1,,7,,status,released,released_with_measures
>~ disagree,6,6,,13,,status,released,detained
% ! grep -q facility .out
$ audit Ministerio --csv
>~ row,list_id,record,person,verdict,flags,sources,evidence
>~ 1,,1,1,verified,,ONG,
>~ 2,,2,2,flagged,still_detained,"ONG;Prensa",still_detained: listed as released (2026-01-16) but Prensa's list of 2026-02-03 records detained
>~ 3,,3,3,flagged,still_detained,ONG,still_detained: listed as released (2026-01-16) but ONG's list of 2026-01-25 records detained [ONG r9
>~ 4,,4,4,verified,,"Comite;ONG",
>~ 5,,5,5,flagged,unknown_identity,,unknown_identity: no source other than Ministerio has a record of this person
>~ 6,,6,6,flagged,"still_detained;not_political",ONG,
# The list's own row id stays the list's text in JSON (it is no id of ours).
$ export --json
>~ "list_id":"8","full_name":"Óscar Eduardo Villegas Parra"
$ show 14 --json
>~ "list_id":"8"
>~ "incommunicado":false
# people --json says incommunicado as show --json does: a boolean, not the string "false"
# that a program would read as true.
$ people --json --status detained
>~ {"person_id": 14, "name": "Óscar Eduardo Villegas Parra", "cedula": "V-15432198", "status": "detained", "incommunicado": false,
$ reconcile --csv
>~ Ministerio,official,1,2026-01-20,6,6,2,6,2,1,0,0,0,3,1,0,0,0
$ flow --by month --csv
>~ 2026-01,Ministerio,0,6
>~ 2026-01,ONG,0,2
# The ministry's next list names one person twice, the second time shorter, with the same
# cédula ("RODEO I" and "RODEO 1" one facility): the first row stays verified (its cédula
# on the list's other row is no doubt about it), the second is the duplicate. The same
# name twice, once without a cédula, is a duplicate too.
$ import --source Ministerio --as-of 2026-01-21 --map ministerio.map --encoding latin1 ministerio-dup.csv
> ministerio-dup.csv: snapshot 6 of source Ministerio: 4 records imported, 0 rejected
$ link
>~ threshold
$ audit Ministerio --csv
>~ 1,,22,1,verified,,ONG,
>~ 2,,23,1,flagged,duplicate,ONG,duplicate: the same person is already on the list at row 1
>~ 4,,25,23,flagged,"unknown_identity;duplicate",,
>~ duplicate: the same person is already on the list at row 1 [Ministerio r22 earlier row]
