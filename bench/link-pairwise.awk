# SPDX-License-Identifier: AGPL-3.0-or-later
# Pairwise precision, recall and F1 of a linkage against the truth. Input: the truth
# (source,list_id,person_id) first, then `amnistia links --csv` (source,list_id,person_id).
# Pairs of records are counted per cluster, never enumerated: a cluster of n records has
# n(n-1)/2 pairs. Used by bench/link-accuracy.sh.
BEGIN { FS = "," }
FNR == 1 { file++; next }
file == 1 { truth[$1 "," $2] = $3; next }
file == 2 {
    k = $1 "," $2
    if (!(k in truth)) { missing++; next }
    t = truth[k]; p = $3
    nt[t]++; np[p]++; nboth[t SUBSEP p]++
    records++
}
END {
    for (x in nt) tp_truth += nt[x] * (nt[x] - 1) / 2
    for (x in np) tp_pred += np[x] * (np[x] - 1) / 2
    for (x in nboth) tp += nboth[x] * (nboth[x] - 1) / 2
    precision = tp_pred ? tp / tp_pred : 1
    recall = tp_truth ? tp / tp_truth : 1
    f1 = precision + recall ? 2 * precision * recall / (precision + recall) : 0
    printf "records %d, true pairs %d, linked pairs %d, correct %d", records, tp_truth, tp_pred, tp
    if (missing) printf " (%d records not in the truth)", missing
    printf "\nprecision %.4f  recall %.4f  F1 %.4f\n", precision, recall, f1
}
