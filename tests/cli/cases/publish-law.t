# publish --law: the persons the enacted law covers, public ones only, signed and verified.
$ import --source ONG --kind ngo ong.csv
$ keys new test.example/amnistia --out pub.key
$ publish --law $AM_SOURCE_DIR/laws/ley-amnistia-2026.law --title Cubiertos --key pub.key --out out
>~ published 1 persons (1 withheld: not public) to out
% grep -q '"label":"law:ley-amnistia-2026 v1 covered as of 2026-11-29"' out/manifest.json
# Only person 1: 3 is covered but restricted, 2 and 4 are excluded.
% test "$(tail -n +2 out/list.csv | cut -d, -f1 | tr -d '\r')" = 1
% ! grep -q 'Carmen' out/list.csv out/list.json out/manifest.json
$ verify out --key pub.key.pub
>~ verified: all 13 checks hold
$ publish --law $AM_SOURCE_DIR/laws/ley-amnistia-2026.law --as-of 2026-02-30 --title X --key pub.key --out out2
? 1
! --as-of
$ publish --law nosuch.law --title X --key pub.key --out out3
? 3
% test ! -e out3
$ publish --snapshot 1 --as-of 2026-01-01 --title X --key pub.key --out out4
? 1
! --as-of goes with --law
