# amnistia estimate: from a plain table (the published Kosovo data) and from a small
# registry whose persons were linked by hand (synthetic names only).
$ estimate --table kosovo.csv --method loglinear
>~ 4 lists: 1=EXH 2=ABA 3=OSCE 4=HRW; 4400 people seen
>~ all      loglinear  [1,2,3,4]    independence  7394.6   7147.7   7656.2   profile likelihood
>~ all      loglinear  [123,14,34]  BIC-best      10356.5  8994.3   12110.4  profile likelihood
>~ all      loglinear  [123,134]    AIC-best      12741.0  10184.3  16703.4  profile likelihood
>~ loglinear: 113 hierarchical models up to 3-way terms searched
>~ model choice swings the answer: AIC picks [123,134] (N = 12741), BIC picks [123,14,34] (N = 10357)
$ estimate --table kosovo.csv --method loglinear --model [123,14,34] --json
>~ "model":"[123,14,34]","role":"chosen","exists":true,"N":10356.51896
$ estimate --table=kosovo.csv --method dga
>~ all      dga     61 graphs        12595  9827  16544  credible (equal-tail)
>~ dga: 61 decomposable graphs, delta = 2^-4, prior 1/N, N from 4400 to 48400; top graph [123,134] (posterior 0.986)
$ estimate --table hav_taiwan.csv --method lcmcr --burnin 200 --samples 300 --thinning 2 --seed 7 --draws draws.csv
>~ lcmcr: K=10, alpha ~ Gamma(0.25, 0.25), burn-in 200, 300 draws thinned by 2 (800 iterations), seed 7, RNG xoshiro256+ (gsl_rng)
>~ the LCMCR chain is short
% test "$(head -1 draws.csv)" = N && test "$(wc -l < draws.csv)" -eq 301
$ estimate --table hav_taiwan.csv --method lcmcr --classes 5 --burnin 100 --samples 100 --thinning 1 --json
>~ "lcmcr":{"K":5,"burnin":100,"samples":100,"thinning":1,"seed":20250101,"iterations":200,"a_alpha":0.25,"b_alpha":0.25,"rng":"xoshiro256+"
# bad input and usage
$ estimate --table bad.csv
? 2
! bad.csv:3:3: '2' under list 'B' is not 0 or 1
$ estimate --table missing.csv
? 3
! missing.csv: cannot open
$ estimate --table kosovo.csv --model [12,5]
? 2
! list 5 in model '[12,5]' does not exist
$ estimate --method frob
? 1
! --method 'frob' is not known; use loglinear, lcmcr, dga or all
$ estimate --table kosovo.csv --by sex
? 1
! --table gives the capture histories itself
$ estimate --population detained-on:2026-02-30
? 1
! '2026-02-30' is not a date
$ estimate --by age
? 1
! --by 'age' is not known
$ estimate --seed -4
? 1
! --seed '-4' is not a whole number
$ estimate --model
? 1
! --model needs a value
$ estimate --bogus
? 1
! unknown argument '--bogus'
$ estimate --method dga --model [12,3]
? 1
! --model is a log-linear model
$ estimate --table hav_taiwan.csv --method loglinear --draws d.csv
? 1
! --draws writes LCMCR draws
# from the registry
$ estimate
? 2
! 0 sources: estimation needs at least 2 lists
$ import --source ONG --kind ngo --as-of 2026-01-25 ong.csv
>~ 4 records imported
$ import --source Prensa --kind press --as-of 2026-01-25 prensa.csv
>~ 3 records imported
$ import --source Familias --kind family --as-of 2026-01-25 familias.csv
>~ 3 records imported
% sqlite3 test.db "UPDATE record_person SET person_id = 1 WHERE record_id IN (5, 8); UPDATE record_person SET person_id = 2 WHERE record_id = 9; UPDATE record_person SET person_id = 4 WHERE record_id = 7"
$ estimate --sources ONG,Prensa,Familias --method loglinear --model [1,2,3] --json
>~ "lists":["ONG","Prensa","Familias"],"population":"all","by":null,"persons_outside":0,"strata":[{"stratum":"all","people_seen":6,"cells":{"100":1,"010":1,"110":1,"001":1,"101":1,"011":0,"111":1}
$ estimate --sources ONG,Prensa --population period:2024-01-01..2024-12-31 --method loglinear
>~ 2 lists: 1=ONG 2=Prensa; 3 people seen (arrested in the period)
>~ only two lists
$ estimate --sources ONG,Prensa,Familias --by sex --method loglinear,lcmcr
? 1
! --method 'loglinear,lcmcr' is not known
$ estimate --sources ONG,Prensa,Familias --population detained-on:2026-01-01 --by sex --method lcmcr --burnin 50 --samples 50 --thinning 1
>~ F        lcmcr   K=10
>~ M        lcmcr   K=10
>~ total    lcmcr   sum of 2 strata  strata total
>~ seed 20250101 (+ i for the i-th stratum)
>~ Strata totals add posterior draws per iteration
$ estimate --sources ONG,Nadie
? 2
! no source named 'Nadie'; see amnistia sources
