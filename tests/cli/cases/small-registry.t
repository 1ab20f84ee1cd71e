# Two lists of three rows each: too few pairs for the model to learn much from them, so
# what it learns must stay near what a careful person would assume (the model's m and u
# are drawn toward general values when the registry offers few pairs). The same cédula,
# given names and facility join a married name written two ways; the same cédula, birth
# date and arrest date join a name one list shortened; two different names arrested the
# same day at the same place stay two people.
$ import --source ONG --kind ngo ong.csv
$ import --source Tribunal --kind court tribunal.csv
$ link
$ links --csv
> source,list_id,person_id
> ONG,O1,1
> ONG,O2,2
> ONG,O3,3
> Tribunal,T1,1
> Tribunal,T2,5
> Tribunal,T3,3
