/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * synth: a synthetic population of Venezuelan political detainees (names, cédulas, arrests
 * on the real waves, facilities, charges, status histories) and several lists of it, each
 * with its own coverage and error habits, plus the truth files that say which row is which
 * person and which official rows are padding. Linking, auditing and estimation are measured
 * against that truth. Same seed, same bytes. It writes files only; it never touches the
 * registry. docs/synth.md describes the output.
 */
#ifndef AMNISTIA_SYNTH_H
#define AMNISTIA_SYNTH_H

#include "amnistia/core.h"

/* Error habits: `heavy` raises every list's error rates (docs/synth.md has the figures). */
enum am_synth_profile { AM_SYNTH_DEFAULT, AM_SYNTH_HEAVY };

/* Returns the profile named "default" or "heavy", or -1 for any other word. */
int am_synth_profile_from_name(const char *name);
const char *am_synth_profile_name(enum am_synth_profile profile);

/* The most people one run makes; more would overflow the cédula ranges. */
#define AM_SYNTH_MAX_PEOPLE 5000000u

struct am_synth_options {
    uint64_t seed;
    size_t people; /* 1 .. AM_SYNTH_MAX_PEOPLE */
    enum am_synth_profile profile;
    const char *out_dir; /* created when missing (one level) */
};

/* The lists, in the order they appear in manifest.csv. */
enum am_synth_list {
    AM_SYNTH_NGO,
    AM_SYNTH_FAMILY,
    AM_SYNTH_PRESS,
    AM_SYNTH_OFFICIAL,
    AM_SYNTH__LIST_COUNT
};

/* What a run produced, for the command to print. */
struct am_synth_summary {
    size_t people;             /* persons in truth_people.csv */
    size_t ever_detained;      /* of them, ever detained (political or not) */
    size_t political_detained; /* ever detained on political or military charges */
    size_t detained_now;       /* status detained/disappeared/house_arrest at the end date */
    struct {
        const char *file;   /* "ngo.csv" ... (static strings) */
        const char *source; /* source name as in manifest.csv */
        const char *kind;
        char as_of[11];
        size_t rows;
        size_t persons; /* distinct persons among the rows */
    } lists[AM_SYNTH__LIST_COUNT];
    size_t official_padding; /* official rows whose reason is not `genuine` */
    char process_start[11];  /* the official list's process start date */
};

/*
 * Generates the population and writes into opt->out_dir: ngo.csv, family.csv, press.csv,
 * official.csv (Windows-1252) with official.map, manifest.csv, official_process.txt,
 * truth_people.csv, truth_events.csv, truth_links.csv and truth_padding.csv. Files are
 * written under temporary names and renamed at the end, so a failed run leaves no
 * half-written list behind. sum may be NULL.
 * Errors: AM_EUSAGE for people out of range or a missing out_dir; AM_EINPUT (with file and
 * line) when a bundled data file is malformed; AM_EIO when the directory or a file cannot be
 * created or written.
 */
int am_synth_run(const struct am_synth_options *opt, struct am_synth_summary *sum,
                 struct am_err *err);

#endif
