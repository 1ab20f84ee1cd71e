#!/usr/bin/env python3
# SPDX-License-Identifier: AGPL-3.0-or-later
# Writes N plausible synthetic list rows in the canonical columns (for bench/import.sh when
# `amnistia synth` is not available). Names are drawn from small invented pools: no real
# person is described. Deterministic for a given seed.
import random
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
rng = random.Random(seed)
given = ["María", "José", "Luis", "Ana", "Carlos", "Yusmary", "Jesús", "Daniela", "Pedro",
         "Andreína", "Juan", "Rosa", "Miguel", "Génesis", "Ángel", "Carmen", "Óscar", "Luisa"]
sur = ["González", "Rodríguez", "Pérez", "Hernández", "García", "Martínez", "Ramírez",
       "Díaz", "Rojas", "Mendoza", "Castillo", "Suárez", "Peña", "De La Cruz", "Márquez"]
charges = ["terrorismo", "instigación al odio", "traición a la patria",
           "asociación para delinquir", "homicidio", "tráfico de drogas", "robo agravado",
           "rebelión militar", "resistencia a la autoridad"]
measures = ["prohibición de salida del país", "régimen de presentación cada 30 días",
            "prohibición de declarar a medios"]
statuses = ["detenido", "detenida", "excarcelado", "liberado", "desaparecido",
            "arresto domiciliario", "en el exilio"]
cats = ["estudiante", "periodista", "manifestante", "militar", "activista social", ""]
facilities = ["El Helicoide", "Rodeo I", "Tocorón", "Zona 7", "DGCIM Boleíta", ""]
out = sys.stdout
out.write("list_id,full_name,cedula,sex,birth_date,arrest_date,facility,charges,status,"
          "release_date,measures,categories\n")
for i in range(1, n + 1):
    g = rng.choice(given)
    if rng.random() < 0.5:
        g += " " + rng.choice(given)
    s = rng.choice(sur) + " " + rng.choice(sur)
    name = (s.upper() + ", " + g) if rng.random() < 0.3 else (g + " " + s)
    ced = rng.randint(3000000, 32000000)
    ced_s = rng.choice(["V-{:,}".format(ced).replace(",", "."), "V{}".format(ced), str(ced)])
    sex = rng.choice("FM")
    by = rng.randint(1950, 2007)
    birth = "{:02d}/{:02d}/{}".format(rng.randint(1, 28), rng.randint(1, 12), by)
    ay = rng.choice([2014, 2017, 2019, 2024, 2024, 2025])
    arrest = "{}-{:02d}-{:02d}".format(ay, rng.randint(1, 12), rng.randint(1, 28))
    st = rng.choice(statuses)
    rel = ""
    meas = ""
    if st in ("excarcelado", "liberado"):
        rel = "{}-{:02d}-{:02d}".format(2026, rng.randint(1, 10), rng.randint(1, 28))
        if st == "excarcelado":
            meas = ";".join(rng.sample(measures, rng.randint(1, 2)))
    ch = ";".join(rng.sample(charges, rng.randint(1, 3)))
    out.write('{},"{}",{},{},{},{},{},"{}",{},{},"{}",{}\n'.format(
        i, name, ced_s, sex, birth, arrest, rng.choice(facilities), ch, st, rel, meas,
        rng.choice(cats)))
