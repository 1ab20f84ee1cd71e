/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * amnistia show: one person, everything the registry knows and where it came from. The
 * registry builds the document; this file only lays it out for a terminal.
 */
#include "commands.h"

#include "amnistia/registry.h"

#include <jansson.h>
#include <string.h>

static const char usage[] =
    "usage: amnistia show PERSON|CEDULA [--json]\n"
    "\n"
    "Shows a person: identity, derived status and the event that decided it, every record\n"
    "behind the person (source, list, date), events in date order, charges with their\n"
    "class, measures and categories. CEDULA may be written V-12.345.678, V12345678 or\n"
    "12345678; digits alone are tried as a person id first.\n";

static const char *str(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "";
}

static void print_kv(FILE *out, const char *label, const char *value)
{
    if (value && *value)
        fprintf(out, "  %-14s %s\n", label, value);
}

static void render(const json_t *p, FILE *out)
{
    fprintf(out, "person %lld  %s\n", (long long)json_integer_value(json_object_get(p, "person_id")),
            str(p, "display_name"));
    char ced[40] = "";
    if (*str(p, "cedula"))
        snprintf(ced, sizeof(ced), "%s%s%s", str(p, "cedula_kind"),
                 *str(p, "cedula_kind") ? "-" : "", str(p, "cedula"));
    print_kv(out, "cédula", ced);
    print_kv(out, "born", str(p, "birth_date"));
    print_kv(out, "sex", str(p, "sex"));
    print_kv(out, "nationality", str(p, "nationality"));
    char status[96];
    snprintf(status, sizeof(status), "%s%s%s%s", str(p, "status"),
             json_is_true(json_object_get(p, "incommunicado")) ? " (incommunicado)" : "",
             *str(p, "status_date") ? " since " : "", str(p, "status_date"));
    print_kv(out, "status", status);
    print_kv(out, "sensitivity", str(p, "sensitivity"));

    size_t i;
    json_t *v;
    json_t *cats = json_object_get(p, "categories");
    if (json_array_size(cats)) {
        fprintf(out, "  %-14s", "categories");
        json_array_foreach(cats, i, v) fprintf(out, "%s%s", i ? ", " : " ", json_string_value(v));
        fputc('\n', out);
    }
    json_t *records = json_object_get(p, "records");
    fprintf(out, "\nrecords (%zu)\n", json_array_size(records));
    json_array_foreach(records, i, v)
    {
        fprintf(out, "  #%lld  %s, %s (as of %s) row %lld%s%s\n",
                (long long)json_integer_value(json_object_get(v, "record_id")), str(v, "source"),
                str(v, "snapshot"), str(v, "as_of"),
                (long long)json_integer_value(json_object_get(v, "row_no")),
                *str(v, "list_id") ? " list_id " : "", str(v, "list_id"));
        fprintf(out, "        %s", str(v, "full_name"));
        if (*str(v, "status"))
            fprintf(out, " | %s", str(v, "status"));
        if (*str(v, "facility"))
            fprintf(out, " | %s", str(v, "facility"));
        fprintf(out, " | linked by %s\n", str(v, "decided_by"));
    }
    json_t *events = json_object_get(p, "events");
    fprintf(out, "\nevents (%zu)\n", json_array_size(events));
    json_array_foreach(events, i, v)
    {
        fprintf(out, "  %-10s  %-22s %s%s%s  [%s", *str(v, "date") ? str(v, "date") : "undated",
                str(v, "type"), str(v, "facility"), *str(v, "detail") ? " " : "", str(v, "detail"),
                *str(v, "source") ? str(v, "source") : "by hand");
        if (json_is_integer(json_object_get(v, "record_id")))
            fprintf(out, " #%lld", (long long)json_integer_value(json_object_get(v, "record_id")));
        fputs("]\n", out);
    }
    json_t *charges = json_object_get(p, "charges");
    if (json_array_size(charges)) {
        fprintf(out, "\ncharges (%zu)\n", json_array_size(charges));
        json_array_foreach(charges, i, v)
        {
            fprintf(out, "  %-10s %s", str(v, "class"), str(v, "raw"));
            if (*str(v, "certainty") && strncmp(str(v, "certainty"), "confirmed", 9) != 0)
                fprintf(out, "  (catalog: %s)", str(v, "certainty"));
            fputc('\n', out);
        }
    }
    json_t *measures = json_object_get(p, "measures");
    if (json_array_size(measures)) {
        fprintf(out, "\nmeasures (%zu)\n", json_array_size(measures));
        json_array_foreach(measures, i, v)
        {
            fprintf(out, "  %-12s %s%s%s\n", str(v, "type"), str(v, "raw"),
                    *str(v, "imposed") ? "  imposed " : "", str(v, "imposed"));
        }
    }
}

int am_cmd_show(struct am_cli *cli, int argc, char **argv, struct am_err *err)
{
    if (am_cli_help_requested(argc, argv, usage))
        return 0;
    const char *who = NULL;
    enum am_out_format fmt = AM_OUT_TABLE;
    for (int i = 1; i < argc; i++) {
        if (am_cli_format_flag(argv[i], &fmt) && fmt == AM_OUT_JSON)
            continue;
        if (argv[i][0] == '-' && argv[i][1] == '-')
            return am_cli_usage_error(err, usage, "unknown argument '%s'", argv[i]);
        if (who)
            return am_cli_usage_error(err, usage, "give one person");
        who = argv[i];
    }
    if (!who)
        return am_cli_usage_error(err, usage, "give a person id or a cédula");
    struct am_store *store = am_cli_open_store(cli, err);
    if (!store)
        return -1;
    int64_t id;
    struct am_buf doc;
    am_buf_init(&doc);
    int rc = am_registry_find_person(store, who, &id, err);
    if (rc == 0)
        rc = am_registry_person_json(store, id, &doc, err);
    if (rc == 0 && fmt == AM_OUT_JSON) {
        fputs(doc.ptr, cli->out);
        fputc('\n', cli->out);
    } else if (rc == 0) {
        json_error_t jerr;
        json_t *p = json_loadb(doc.ptr, doc.len, 0, &jerr);
        if (!p) {
            rc = AM_FAIL(err, AM_EINTERNAL, "cannot read the person document: %s", jerr.text);
        } else {
            render(p, cli->out);
            json_decref(p);
        }
    }
    am_buf_release(&doc);
    am_store_close(store);
    return rc;
}
