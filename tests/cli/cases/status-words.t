# Status phrases as release lists and NGO reports write them (docs/columns.md).
$ import --source ONG --as-of 2026-11-01 lista.csv
$ people --csv
>~ 1,Ana Prueba Uno,,released_with_measures,false,
>~ 2,Beto Prueba Dos,,detained,true,
>~ 3,Carla Prueba Tres,,house_arrest,false,
>~ 4,Dario Prueba Cuatro,,released_with_measures,false,
>~ 5,Elsa Prueba Cinco,,released_with_measures,false,
>~ 6,Fabio Prueba Seis,,exiled,false,
