/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Row parsing: one list row, through a plan, becomes a record's fields — names split or
 * joined, the cédula apart from its V/E, dates in ISO form, the status word as a DESIGN
 * status, charges and measures through the catalogs, categories as DESIGN names. A bad
 * row is refused with where and why. No SQL here: import.c writes what this returns.
 */
#include "import_int.h"

#include "amnistia/registry.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const am__categories[] = {
    "protester",         "student",          "social_activist", "journalist",
    "human_rights_defender", "victims_committee", "political_leader", "military",
    "trade_unionist",    "public_official",  "relative_of_target", "other",
    NULL,
};

static const char category_list[] =
    "protester, student, social_activist, journalist, human_rights_defender, "
    "victims_committee, political_leader, military, trade_unionist, public_official, "
    "relative_of_target, other";

/* ---- vocabulary ------------------------------------------------------------------- */

struct word {
    const char *norm; /* normalised (am_name_normalize) */
    int value;
    int event; /* for statuses: an event other than am_event_for_status's, or -1 */
};

#define S(w, st) {w, st, -1}
static const struct word status_words[] = {
    S("detained", AM_STATUS_DETAINED), S("detenido", AM_STATUS_DETAINED),
    S("detenida", AM_STATUS_DETAINED), S("detenidos", AM_STATUS_DETAINED),
    S("preso", AM_STATUS_DETAINED), S("presa", AM_STATUS_DETAINED),
    S("preso politico", AM_STATUS_DETAINED), S("presa politica", AM_STATUS_DETAINED),
    S("privado de libertad", AM_STATUS_DETAINED), S("privada de libertad", AM_STATUS_DETAINED),
    S("privado de la libertad", AM_STATUS_DETAINED),
    S("privada de la libertad", AM_STATUS_DETAINED), S("encarcelado", AM_STATUS_DETAINED),
    S("encarcelada", AM_STATUS_DETAINED), S("recluido", AM_STATUS_DETAINED),
    S("recluida", AM_STATUS_DETAINED), S("en prision", AM_STATUS_DETAINED),
    S("condenado", AM_STATUS_DETAINED), S("condenada", AM_STATUS_DETAINED),
    S("arrested", AM_STATUS_DETAINED), S("in custody", AM_STATUS_DETAINED),
    S("imprisoned", AM_STATUS_DETAINED), S("prisoner", AM_STATUS_DETAINED),
    S("in prison", AM_STATUS_DETAINED),
    {"incomunicado", AM_STATUS_DETAINED, AM_EV_INCOMMUNICADO},
    {"incomunicada", AM_STATUS_DETAINED, AM_EV_INCOMMUNICADO},
    {"incommunicado", AM_STATUS_DETAINED, AM_EV_INCOMMUNICADO},
    {"detenido incomunicado", AM_STATUS_DETAINED, AM_EV_INCOMMUNICADO},
    {"detenida incomunicada", AM_STATUS_DETAINED, AM_EV_INCOMMUNICADO},
    /* Phrases of release lists and NGO reports: every release "with measures" or under a
     * reporting regime or bail is not freedom (FACTS.md: only full releases count). */
    S("excarcelado con medidas", AM_STATUS_RELEASED_WITH_MEASURES),
    S("excarcelada con medidas", AM_STATUS_RELEASED_WITH_MEASURES),
    S("excarcelado con medidas cautelares", AM_STATUS_RELEASED_WITH_MEASURES),
    S("excarcelada con medidas cautelares", AM_STATUS_RELEASED_WITH_MEASURES),
    S("regimen de presentacion", AM_STATUS_RELEASED_WITH_MEASURES),
    S("liberado con regimen de presentacion", AM_STATUS_RELEASED_WITH_MEASURES),
    S("liberada con regimen de presentacion", AM_STATUS_RELEASED_WITH_MEASURES),
    S("excarcelado con regimen de presentacion", AM_STATUS_RELEASED_WITH_MEASURES),
    S("excarcelada con regimen de presentacion", AM_STATUS_RELEASED_WITH_MEASURES),
    S("libertad bajo fianza", AM_STATUS_RELEASED_WITH_MEASURES),
    S("liberado bajo fianza", AM_STATUS_RELEASED_WITH_MEASURES),
    S("liberada bajo fianza", AM_STATUS_RELEASED_WITH_MEASURES),
    S("en arresto domiciliario", AM_STATUS_HOUSE_ARREST),
    S("bajo arresto domiciliario", AM_STATUS_HOUSE_ARREST),
    S("refugiado", AM_STATUS_EXILED), S("refugiada", AM_STATUS_EXILED),
    S("disappeared", AM_STATUS_DISAPPEARED), S("desaparecido", AM_STATUS_DISAPPEARED),
    S("desaparecida", AM_STATUS_DISAPPEARED), S("desaparicion forzada", AM_STATUS_DISAPPEARED),
    S("paradero desconocido", AM_STATUS_DISAPPEARED),
    S("forcibly disappeared", AM_STATUS_DISAPPEARED),
    S("enforced disappearance", AM_STATUS_DISAPPEARED),
    S("whereabouts unknown", AM_STATUS_DISAPPEARED),
    S("house arrest", AM_STATUS_HOUSE_ARREST), S("arresto domiciliario", AM_STATUS_HOUSE_ARREST),
    S("casa por carcel", AM_STATUS_HOUSE_ARREST),
    S("detencion domiciliaria", AM_STATUS_HOUSE_ARREST),
    S("under house arrest", AM_STATUS_HOUSE_ARREST),
    S("released with measures", AM_STATUS_RELEASED_WITH_MEASURES),
    S("excarcelado", AM_STATUS_RELEASED_WITH_MEASURES),
    S("excarcelada", AM_STATUS_RELEASED_WITH_MEASURES),
    S("excarcelados", AM_STATUS_RELEASED_WITH_MEASURES),
    S("liberado con medidas", AM_STATUS_RELEASED_WITH_MEASURES),
    S("liberada con medidas", AM_STATUS_RELEASED_WITH_MEASURES),
    S("medidas cautelares", AM_STATUS_RELEASED_WITH_MEASURES),
    S("con medidas cautelares", AM_STATUS_RELEASED_WITH_MEASURES),
    S("medida cautelar", AM_STATUS_RELEASED_WITH_MEASURES),
    S("medidas sustitutivas", AM_STATUS_RELEASED_WITH_MEASURES),
    S("medida sustitutiva", AM_STATUS_RELEASED_WITH_MEASURES),
    S("libertad condicional", AM_STATUS_RELEASED_WITH_MEASURES),
    S("conditional release", AM_STATUS_RELEASED_WITH_MEASURES),
    S("conditionally released", AM_STATUS_RELEASED_WITH_MEASURES),
    S("released on conditions", AM_STATUS_RELEASED_WITH_MEASURES),
    S("released under measures", AM_STATUS_RELEASED_WITH_MEASURES),
    S("released", AM_STATUS_RELEASED), S("libertad plena", AM_STATUS_RELEASED),
    S("liberado", AM_STATUS_RELEASED), S("liberada", AM_STATUS_RELEASED),
    S("liberados", AM_STATUS_RELEASED), S("libre", AM_STATUS_RELEASED),
    S("en libertad", AM_STATUS_RELEASED), S("libertad", AM_STATUS_RELEASED),
    S("puesto en libertad", AM_STATUS_RELEASED), S("puesta en libertad", AM_STATUS_RELEASED),
    S("freed", AM_STATUS_RELEASED), S("free", AM_STATUS_RELEASED),
    S("released unconditionally", AM_STATUS_RELEASED),
    S("exiled", AM_STATUS_EXILED), S("exiliado", AM_STATUS_EXILED),
    S("exiliada", AM_STATUS_EXILED), S("en el exilio", AM_STATUS_EXILED),
    S("exilio", AM_STATUS_EXILED), S("in exile", AM_STATUS_EXILED),
    S("desterrado", AM_STATUS_EXILED), S("desterrada", AM_STATUS_EXILED),
    S("expulsado", AM_STATUS_EXILED), S("expulsada", AM_STATUS_EXILED),
    S("deportado", AM_STATUS_EXILED), S("deportada", AM_STATUS_EXILED),
    S("deported", AM_STATUS_EXILED),
    S("in hiding", AM_STATUS_IN_HIDING), S("clandestinidad", AM_STATUS_IN_HIDING),
    S("en la clandestinidad", AM_STATUS_IN_HIDING), S("en clandestinidad", AM_STATUS_IN_HIDING),
    S("oculto", AM_STATUS_IN_HIDING), S("oculta", AM_STATUS_IN_HIDING),
    S("escondido", AM_STATUS_IN_HIDING), S("escondida", AM_STATUS_IN_HIDING),
    S("hiding", AM_STATUS_IN_HIDING), S("hidden", AM_STATUS_IN_HIDING),
    S("deceased", AM_STATUS_DECEASED), S("fallecido", AM_STATUS_DECEASED),
    S("fallecida", AM_STATUS_DECEASED), S("muerto", AM_STATUS_DECEASED),
    S("muerta", AM_STATUS_DECEASED), S("fallecido bajo custodia", AM_STATUS_DECEASED),
    S("fallecida bajo custodia", AM_STATUS_DECEASED),
    S("murio bajo custodia", AM_STATUS_DECEASED), S("dead", AM_STATUS_DECEASED),
    S("died", AM_STATUS_DECEASED), S("died in custody", AM_STATUS_DECEASED),
    /* As NGO and family lists write them (checked on hand-written lists). */
    S("desaparecido forzosamente", AM_STATUS_DISAPPEARED),
    S("desaparecida forzosamente", AM_STATUS_DISAPPEARED),
    S("desaparecidos forzosamente", AM_STATUS_DISAPPEARED),
    S("desaparicion forzosa", AM_STATUS_DISAPPEARED),
    S("victima de desaparicion forzada", AM_STATUS_DISAPPEARED),
    S("en desaparicion forzada", AM_STATUS_DISAPPEARED),
    S("desaparecidos", AM_STATUS_DISAPPEARED), S("desaparecidas", AM_STATUS_DISAPPEARED),
    S("detenido a", AM_STATUS_DETAINED), S("detenidas", AM_STATUS_DETAINED),
    S("presos", AM_STATUS_DETAINED), S("presas", AM_STATUS_DETAINED),
    S("presos politicos", AM_STATUS_DETAINED), S("presas politicas", AM_STATUS_DETAINED),
    S("privado de su libertad", AM_STATUS_DETAINED),
    S("privada de su libertad", AM_STATUS_DETAINED),
    S("privados de libertad", AM_STATUS_DETAINED),
    S("privadas de libertad", AM_STATUS_DETAINED), S("arrestado", AM_STATUS_DETAINED),
    S("arrestada", AM_STATUS_DETAINED), S("aprehendido", AM_STATUS_DETAINED),
    S("aprehendida", AM_STATUS_DETAINED), S("capturado", AM_STATUS_DETAINED),
    S("capturada", AM_STATUS_DETAINED), S("sentenciado", AM_STATUS_DETAINED),
    S("sentenciada", AM_STATUS_DETAINED), S("bajo custodia", AM_STATUS_DETAINED),
    S("en custodia", AM_STATUS_DETAINED), S("recluidos", AM_STATUS_DETAINED),
    S("en reclusion", AM_STATUS_DETAINED),
    S("liberado con medidas cautelares", AM_STATUS_RELEASED_WITH_MEASURES),
    S("liberada con medidas cautelares", AM_STATUS_RELEASED_WITH_MEASURES),
    S("liberados con medidas cautelares", AM_STATUS_RELEASED_WITH_MEASURES),
    S("excarcelados con medidas cautelares", AM_STATUS_RELEASED_WITH_MEASURES),
    S("excarcelados con medidas", AM_STATUS_RELEASED_WITH_MEASURES),
    S("excarcelado con medida cautelar", AM_STATUS_RELEASED_WITH_MEASURES),
    S("excarcelada con medida cautelar", AM_STATUS_RELEASED_WITH_MEASURES),
    S("excarcelado con medidas sustitutivas", AM_STATUS_RELEASED_WITH_MEASURES),
    S("excarcelada con medidas sustitutivas", AM_STATUS_RELEASED_WITH_MEASURES),
    S("liberado con medidas sustitutivas", AM_STATUS_RELEASED_WITH_MEASURES),
    S("liberada con medidas sustitutivas", AM_STATUS_RELEASED_WITH_MEASURES),
    S("excarcelado bajo regimen de presentacion", AM_STATUS_RELEASED_WITH_MEASURES),
    S("excarcelada bajo regimen de presentacion", AM_STATUS_RELEASED_WITH_MEASURES),
    S("bajo regimen de presentacion", AM_STATUS_RELEASED_WITH_MEASURES),
    S("con regimen de presentacion", AM_STATUS_RELEASED_WITH_MEASURES),
    S("bajo medidas cautelares", AM_STATUS_RELEASED_WITH_MEASURES),
    S("con medida cautelar", AM_STATUS_RELEASED_WITH_MEASURES),
    S("con medidas", AM_STATUS_RELEASED_WITH_MEASURES),
    S("medidas cautelares sustitutivas", AM_STATUS_RELEASED_WITH_MEASURES),
    S("libertad con medidas", AM_STATUS_RELEASED_WITH_MEASURES),
    S("libertad con medidas cautelares", AM_STATUS_RELEASED_WITH_MEASURES),
    S("libertad bajo medidas cautelares", AM_STATUS_RELEASED_WITH_MEASURES),
    S("excarcelado a", AM_STATUS_RELEASED_WITH_MEASURES),
    S("liberacion plena", AM_STATUS_RELEASED), S("libertad total", AM_STATUS_RELEASED),
    S("libertad sin restricciones", AM_STATUS_RELEASED),
    S("liberado sin medidas", AM_STATUS_RELEASED), S("liberada sin medidas", AM_STATUS_RELEASED),
    S("excarcelado sin medidas", AM_STATUS_RELEASED),
    S("excarcelada sin medidas", AM_STATUS_RELEASED), S("liberado a", AM_STATUS_RELEASED),
    S("exiliados", AM_STATUS_EXILED), S("exiliadas", AM_STATUS_EXILED),
    S("en exilio", AM_STATUS_EXILED), S("exiliado a", AM_STATUS_EXILED),
    S("con casa por carcel", AM_STATUS_HOUSE_ARREST),
    S("fallecio", AM_STATUS_DECEASED), S("murio", AM_STATUS_DECEASED),
    S("fallecido en custodia", AM_STATUS_DECEASED),
    S("fallecida en custodia", AM_STATUS_DECEASED), S("murio en custodia", AM_STATUS_DECEASED),
    S("fallecido a", AM_STATUS_DECEASED), S("asesinado", AM_STATUS_DECEASED),
    S("asesinada", AM_STATUS_DECEASED),
    S("sin confirmar", AM_STATUS_UNKNOWN), S("por confirmar", AM_STATUS_UNKNOWN),
    S("por verificar", AM_STATUS_UNKNOWN), S("no se sabe", AM_STATUS_UNKNOWN),
    S("unknown", AM_STATUS_UNKNOWN), S("desconocido", AM_STATUS_UNKNOWN),
    S("desconocida", AM_STATUS_UNKNOWN), S("sin informacion", AM_STATUS_UNKNOWN),
    S("sin datos", AM_STATUS_UNKNOWN), S("n a", AM_STATUS_UNKNOWN),
    S("s i", AM_STATUS_UNKNOWN),
};
#undef S

#define C(w, i) {w, i, -1}
static const struct word category_words[] = {
    C("protester", 0), C("manifestante", 0), C("manifestantes", 0), C("protesta", 0),
    C("student", 1), C("estudiante", 1), C("estudiantes", 1), C("universitario", 1),
    C("universitaria", 1), C("dirigente estudiantil", 1), C("lider estudiantil", 1),
    C("social activist", 2), C("activista", 2), C("activista social", 2),
    C("lider social", 2), C("lideresa social", 2), C("lider comunitario", 2),
    C("lideresa comunitaria", 2), C("dirigente comunitario", 2), C("activist", 2),
    C("community leader", 2),
    C("journalist", 3), C("periodista", 3), C("periodistas", 3), C("comunicador", 3),
    C("comunicadora", 3), C("comunicador social", 3), C("comunicadora social", 3),
    C("reportero", 3), C("reportera", 3), C("trabajador de la prensa", 3),
    C("trabajadora de la prensa", 3), C("reporter", 3), C("press", 3), C("prensa", 3),
    C("human rights defender", 4), C("defensor de derechos humanos", 4),
    C("defensora de derechos humanos", 4), C("defensor de ddhh", 4),
    C("defensora de ddhh", 4), C("ddhh", 4), C("activista de derechos humanos", 4),
    C("victims committee", 5), C("comite de victimas", 5), C("comite de madres", 5),
    C("comite de familiares", 5),
    C("political leader", 6), C("dirigente politico", 6), C("dirigente politica", 6),
    C("lider politico", 6), C("lider politica", 6), C("politico", 6), C("militante", 6),
    C("militante politico", 6), C("militante politica", 6), C("concejal", 6),
    C("diputado", 6), C("diputada", 6), C("alcalde", 6), C("alcaldesa", 6),
    C("opositor", 6), C("opositora", 6), C("politician", 6), C("opposition leader", 6),
    C("military", 7), C("militar", 7), C("militares", 7), C("militar activo", 7),
    C("militar retirado", 7), C("soldado", 7), C("soldier", 7),
    C("trade unionist", 8), C("sindicalista", 8), C("dirigente sindical", 8),
    C("lider sindical", 8), C("union leader", 8), C("unionist", 8),
    C("public official", 9), C("funcionario publico", 9), C("funcionaria publica", 9),
    C("funcionario", 9), C("funcionaria", 9), C("servidor publico", 9),
    C("servidora publica", 9), C("civil servant", 9),
    C("relative of target", 10), C("familiar", 10), C("familiar de perseguido", 10),
    C("pariente", 10), C("relative", 10),
    C("other", 11), C("otro", 11), C("otra", 11), C("otros", 11),
};
#undef C

/* The vocabularies as hash tables (normalised word -> index in its table), built once:
 * every row looks its status and categories up. */
static struct am_strmap status_index, category_index;
static pthread_once_t index_once = PTHREAD_ONCE_INIT;

static void build_indexes(void)
{
    am_strmap_init(&status_index);
    am_strmap_init(&category_index);
    for (size_t i = sizeof(status_words) / sizeof(status_words[0]); i-- > 0;)
        am_strmap_put(&status_index, status_words[i].norm, (int64_t)i);
    for (size_t i = sizeof(category_words) / sizeof(category_words[0]); i-- > 0;)
        am_strmap_put(&category_index, category_words[i].norm, (int64_t)i);
}

static const struct word *find_word(const struct word *table, const char *norm)
{
    pthread_once(&index_once, build_indexes);
    int64_t i;
    if (!am_strmap_get(table == status_words ? &status_index : &category_index, norm, &i))
        return NULL;
    return &table[i];
}

static char *norm_dup(const char *s)
{
    struct am_buf b;
    am_buf_init(&b);
    am_name_normalize(s, &b);
    return am_buf_detach(&b);
}

/* am_status_word on a word already normalised. */
static int status_of_norm(const char *norm, int *event)
{
    *event = -1;
    if (!*norm)
        return -2;
    const struct word *w = find_word(status_words, norm);
    if (w)
        *event = w->event;
    return w ? w->value : -1;
}

int am_status_word(const char *word, int *event)
{
    char *norm = norm_dup(word);
    int rc = status_of_norm(norm, event);
    am_free(norm);
    return rc;
}

static const char *category_of_norm(const char *norm)
{
    const struct word *w = find_word(category_words, norm);
    return w ? am__categories[w->value] : NULL;
}

const char *am_category_word(const char *word)
{
    char *norm = norm_dup(word);
    const char *cat = category_of_norm(norm);
    am_free(norm);
    return cat;
}

/* ---- dates ------------------------------------------------------------------------ */

/* Month names and their short forms, Spanish and English, 1-12. */
static int month_of(const char *w)
{
    static const struct {
        const char *name;
        int month;
    } months[] = {
        {"enero", 1},      {"ene", 1},       {"january", 1},  {"jan", 1},
        {"febrero", 2},    {"feb", 2},       {"february", 2}, {"marzo", 3},
        {"mar", 3},        {"march", 3},     {"abril", 4},    {"abr", 4},
        {"april", 4},      {"apr", 4},       {"mayo", 5},     {"may", 5},
        {"junio", 6},      {"jun", 6},       {"june", 6},     {"julio", 7},
        {"jul", 7},        {"july", 7},      {"agosto", 8},   {"ago", 8},
        {"august", 8},     {"aug", 8},       {"septiembre", 9}, {"setiembre", 9},
        {"sep", 9},        {"sept", 9},      {"set", 9},      {"september", 9},
        {"octubre", 10},   {"oct", 10},      {"october", 10}, {"noviembre", 11},
        {"nov", 11},       {"november", 11}, {"diciembre", 12}, {"dic", 12},
        {"december", 12},  {"dec", 12},
    };
    for (size_t i = 0; i < sizeof(months) / sizeof(months[0]); i++)
        if (!strcmp(w, months[i].name))
            return months[i].month;
    return 0;
}

/*
 * A date written with the month's name, as people write it: "12 de agosto de 2024",
 * "12-ago-2024", "1ro de agosto 2024", "1° de agosto", "agosto 12, 2024". Returns 1 and
 * "DD/MM/YYYY" in out when s is one; 0 when s names no month; -1 (with why) when it names
 * one but is not a whole date ("agosto 2024").
 */
static int named_month_date(const char *s, char out[16], char *why, size_t why_len)
{
    char word[16];
    int month = 0, day = -1, year = -1, words = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        if (*p == ' ' || *p == '-' || *p == '/' || *p == '.' || *p == ',' || *p == '\t') {
            p++;
            continue;
        }
        size_t n = 0;
        int digits = isdigit(*p) != 0;
        while (*p && !(*p == ' ' || *p == '-' || *p == '/' || *p == '.' || *p == ',' ||
                       *p == '\t')) {
            if (n + 1 >= sizeof(word))
                return 0;
            word[n++] = (char)tolower(*p);
            p++;
        }
        word[n] = '\0';
        words++;
        if (digits) {
            /* "1ro", "1°", "1º": the first of the month. */
            size_t d = 0;
            while (d < n && isdigit((unsigned char)word[d]))
                d++;
            const char *rest = word + d;
            if (*rest && strcmp(rest, "ro") && strcmp(rest, "\xc2\xb0") &&
                strcmp(rest, "\xc2\xba") && strcmp(rest, "o"))
                return 0;
            long v = strtol(word, NULL, 10);
            if (d == 4 && !*rest && year < 0)
                year = (int)v;
            else if (d <= 2 && day < 0)
                day = (int)v;
            else
                return 0;
        } else if (!strcmp(word, "de") || !strcmp(word, "del")) {
            words--;
        } else {
            int m = month_of(word);
            if (!m || month)
                return 0;
            month = m;
        }
    }
    if (!month)
        return 0;
    if (day < 0 || year < 0 || words != 3) {
        if (why && why_len)
            snprintf(why, why_len, "%s",
                     words > 3      ? "not a date"
                     : year < 0     ? "the year is missing"
                                    : "a month without its day");
        return -1;
    }
    snprintf(out, 16, "%02d/%02d/%04d", day % 100, month, year % 10000);
    return 1;
}

/* The length of s without a time of day after its date ("2024-08-12 00:00:00",
 * "12/08/2024 14:30", "2024-08-12T00:00:00Z"), as spreadsheets export dates. */
static size_t without_time(const char *s, size_t n)
{
    const char *colon = memchr(s, ':', n);
    if (!colon)
        return n;
    const char *h = colon;
    while (h > s && isdigit((unsigned char)h[-1]))
        h--;
    if (h == colon || colon - h > 2 || h == s || (h[-1] != ' ' && h[-1] != 'T'))
        return n;
    for (const char *q = colon; q < s + n; q++)
        if (!isdigit((unsigned char)*q) && *q != ':' && *q != '.' &&
            !(*q == 'Z' && q + 1 == s + n))
            return n;
    size_t k = (size_t)(h - 1 - s);
    while (k && s[k - 1] == ' ')
        k--;
    return k;
}

int am__date_parse(const char *s, enum am_date_order order, char out[11], char *why,
                   size_t why_len)
{
    char tmp[48];
    size_t n = strlen(s);
    if (n >= sizeof(tmp)) {
        if (why && why_len)
            snprintf(why, why_len, "too long for a date");
        return -1;
    }
    n = without_time(s, n);
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    char named[16];
    int nm = named_month_date(tmp, named, why, why_len);
    if (nm < 0)
        return -1;
    if (nm > 0) {
        memcpy(tmp, named, strlen(named) + 1);
        n = strlen(tmp);
        order = AM_DATES_DMY; /* the month is named: no order to guess */
    }
    /* YYYY/MM/DD, as some spreadsheets export it, is ISO with slashes. */
    if (n == 10 && isdigit((unsigned char)tmp[0]) && isdigit((unsigned char)tmp[3]) &&
        tmp[4] == '/' && tmp[7] == '/') {
        tmp[4] = tmp[7] = '-';
    } else if (order == AM_DATES_MDY) {
        /* Swap the first two parts of M/D/YYYY so that the D/M/YYYY parser reads it. */
        char *a = strpbrk(tmp, "/-");
        if (a && a - tmp <= 2) {
            char *b = strchr(a + 1, *a);
            if (b && b - a - 1 <= 2 && b - a - 1 >= 1) {
                char first[3] = {0}, second[3] = {0};
                memcpy(first, tmp, (size_t)(a - tmp));
                memcpy(second, a + 1, (size_t)(b - a - 1));
                char rebuilt[32];
                snprintf(rebuilt, sizeof(rebuilt), "%s%c%s%s", second, *a, first, b);
                memcpy(tmp, rebuilt, strlen(rebuilt) + 1);
            }
        }
    }
    int32_t days;
    if (am_date_parse(tmp, &days, why, why_len))
        return -1;
    am_format_date(days, out);
    return 0;
}

/* ---- the row ---------------------------------------------------------------------- */

struct cell {
    const char *v; /* trimmed, NULL when empty */
    long line, col;
};

/* given + ' ' + surnames in the arena (a printf costs more than the whole copy). */
static char *join2(struct am_arena *arena, const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    char *out = am_arena_alloc(arena, na + nb + 2);
    memcpy(out, a, na);
    out[na] = ' ';
    memcpy(out + na + 1, b, nb + 1);
    return out;
}

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* s without the spaces around it; NULL when nothing is left. Unless copy is set, a value
 * with nothing to cut at its end (nearly all) is not copied: s itself, from its first
 * non-space byte. */
static const char *trim(struct am_arena *arena, const char *s, int copy)
{
    if (!s)
        return NULL;
    while (is_space(*s))
        s++;
    size_t n = strlen(s);
    if (!n)
        return NULL;
    if (!copy && !is_space(s[n - 1]))
        return s;
    while (n && is_space(s[n - 1]))
        n--;
    return am_arena_strndup(arena, s, n);
}

static void cells_of(const struct am_plan *plan, const struct am_list_row *row,
                     struct am_arena *arena, struct cell *cells)
{
    const struct am_mapping *map = plan->map;
    for (int c = 0; c < AM__COL_COUNT; c++) {
        struct cell *cl = &cells[c];
        cl->v = NULL;
        cl->line = row->line;
        cl->col = 1;
        if (map->set_value[c]) {
            /* Copied: the record must not outlive the mapping's strings. */
            cl->v = trim(arena, map->set_value[c], 1);
            continue;
        }
        int k = plan->feed[c];
        if (k >= 0 && (size_t)k < row->n) {
            cl->v = trim(arena, row->values[k], 0);
            cl->line = row->lines[k];
            cl->col = row->cols[k];
        }
    }
    for (size_t j = 0; j < map->joins.n; j++) {
        const struct am__map_join *jn = &map->joins.v[j];
        struct am_buf b;
        am_buf_init(&b);
        struct cell *cl = &cells[jn->target];
        int first = 1;
        for (int p = 0; p < jn->n; p++) {
            int k = plan->join_cols[j][p];
            if (k < 0 || (size_t)k >= row->n)
                continue;
            const char *v = trim(arena, row->values[k], 0);
            if (!v)
                continue;
            if (first) {
                cl->line = row->lines[k];
                cl->col = row->cols[k];
                first = 0;
            } else {
                am_buf_addc(&b, ' ');
            }
            am_buf_adds(&b, v);
        }
        cl->v = b.len ? am_arena_strdup(arena, b.ptr) : NULL;
        am_buf_release(&b);
    }
}

/*
 * The words of a full name as the list wrote them, each with its normalised form, so that
 * the parts am_name_parse finds (normalised: "maria jose") can be given back verbatim
 * ("María José").
 */
struct words {
    const char *verbatim[12];
    const char *norm[12];
    int n;
};

static void split_words(struct am_arena *arena, const char *full, struct words *w)
{
    struct am_buf b;
    am_buf_init(&b);
    w->n = 0;
    const char *p = full;
    while (*p && w->n < 12) {
        while (*p == ' ' || *p == ',' || *p == '\t')
            p++;
        const char *start = p;
        while (*p && *p != ' ' && *p != ',' && *p != '\t')
            p++;
        if (p == start)
            break;
        am_buf_reset(&b);
        char *word = am_arena_strndup(arena, start, (size_t)(p - start));
        am_name_normalize(word, &b);
        if (b.len == 0)
            continue;
        w->verbatim[w->n] = word;
        w->norm[w->n] = am_arena_strdup(arena, b.ptr);
        w->n++;
    }
    am_buf_release(&b);
}

/* Joins parsed tokens, verbatim when every one of them is found among the words in
 * order, else as the normalised tokens. */
static char *join_tokens(struct am_arena *arena, const struct words *w,
                         const char *const *tok, int n, const char *married)
{
    struct am_buf out, norm;
    am_buf_init(&out);
    am_buf_init(&norm);
    int at = 0, verbatim = 1;
    for (int i = 0; i < n && verbatim; i++) {
        /* Find a run of words starting somewhere at or after `at` whose normalised forms,
         * joined by spaces, are the token. */
        int found = 0;
        for (int s = at; s < w->n && !found; s++) {
            am_buf_reset(&norm);
            for (int e = s; e < w->n; e++) {
                if (norm.len)
                    am_buf_addc(&norm, ' ');
                am_buf_adds(&norm, w->norm[e]);
                if (strcmp(norm.ptr, tok[i]) == 0) {
                    for (int k = s; k <= e; k++) {
                        if (out.len)
                            am_buf_addc(&out, ' ');
                        am_buf_adds(&out, w->verbatim[k]);
                    }
                    at = e + 1;
                    found = 1;
                    break;
                }
                if (norm.len >= strlen(tok[i]))
                    break;
            }
        }
        verbatim = found;
    }
    if (!verbatim) {
        am_buf_reset(&out);
        for (int i = 0; i < n; i++) {
            if (out.len)
                am_buf_addc(&out, ' ');
            am_buf_adds(&out, tok[i]);
        }
    }
    if (married) {
        if (out.len)
            am_buf_addc(&out, ' ');
        am_buf_addf(&out, "de %s", married);
    }
    char *res = out.len ? am_arena_strdup(arena, out.ptr) : NULL;
    am_buf_release(&out);
    am_buf_release(&norm);
    return res;
}

/* A cédula after the label some lists write in the cell ("C.I. V-12.345.678",
 * "CI: 12345678", "Cédula V-..."): the number alone; s itself when there is no label. */
static const char *cedula_unlabelled(const char *s)
{
    if (!s)
        return NULL;
    static const char *const labels[] = {"c.i.", "c.i", "ci", "c i", "cedula", "cédula",
                                         "ced.", "céd."};
    for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
        size_t n = strlen(labels[i]), k = 0;
        while (k < n && s[k] && tolower((unsigned char)s[k]) == (unsigned char)labels[i][k])
            k++;
        if (k < n)
            continue;
        /* The label must end there: "CI 123", "C.I.:123", not "Cinco". */
        const char *p = s + n;
        if (*p && *p != ' ' && *p != ':' && *p != '.' && *p != '-' && *p != '\t' &&
            !isdigit((unsigned char)*p) && !(p[-1] == '.'))
            continue;
        while (*p == ' ' || *p == ':' || *p == '.' || *p == '\t')
            p++;
        if (*p == '-' && p[1] && !isdigit((unsigned char)p[1]))
            continue;
        return *p ? p : s;
    }
    return s;
}

/* Words lists use for "no cédula" beyond am_cedula_is_missing's: "S/N" (sin número), "N/T"
 * (no tiene), a minor's row ("menor de edad"), a spreadsheet's 0. */
static int cedula_none(const char *s)
{
    char *norm = norm_dup(s);
    static const char *const none[] = {"s n", "n t", "menor de edad", "menor", "sin documento",
                                       "sin documentos", "sin numero", "0", "00"};
    int found = 0;
    for (size_t i = 0; i < sizeof(none) / sizeof(none[0]) && !found; i++)
        found = !strcmp(norm, none[i]);
    am_free(norm);
    return found;
}

static int bad(struct am_err *err, const struct am_list_row *row, const struct cell *cl,
               const char *fmt, const char *a, const char *b)
{
    return AM_FAIL_AT(err, AM_EINPUT, row->file, cl->line, cl->col, fmt, a, b);
}

static int parse_date(const struct am_plan *plan, const struct am_list_row *row,
                      const struct cell *cl, int col, struct am_arena *arena, const char **out,
                      struct am_err *err)
{
    *out = NULL;
    if (!cl->v)
        return 0;
    /* A date already written YYYY-MM-DD (most lists) is its own canonical form: checked
     * (a real day, 1900 or later, not after today) without the general parser, and kept
     * as it is: the same value and the same refusals as the parser's. */
    const char *v = cl->v;
    int32_t days;
    if (strlen(v) == 10 && v[4] == '-' && v[7] == '-' && (v[0] >= '2' || (v[0] == '1' && v[1] == '9')) &&
        am_iso_date_parse(v, 10, &days) == 0 && days <= am_today()) {
        *out = v;
        return 0;
    }
    char why[128];
    why[0] = '\0';
    char iso[11];
    if (am__date_parse(cl->v, plan->map->dates, iso, why, sizeof(why))) {
        /* The text parser's "expected YYYY-MM-DD or DD/MM/YYYY" would say the hint twice. */
        if (!why[0] || !strncmp(why, "expected YYYY-MM-DD or DD/MM/YYYY", 33))
            snprintf(why, sizeof(why), "not a date");
        AM_FAIL_AT(err, AM_EINPUT, row->file, cl->line, cl->col,
                   "%s '%s': %s; write YYYY-MM-DD or DD/MM/YYYY, or leave it empty",
                   am_column_name(col), cl->v, why);
        return -1;
    }
    *out = am_arena_strdup(arena, iso);
    return 0;
}

/* A category word through the mapping's own words, then ours; NULL when unknown. */
static const char *category_of(const struct am_mapping *map, const char *word)
{
    int64_t idx;
    char *norm = norm_dup(word);
    const char *cat = am_strmap_get(&map->category_words, norm, &idx) ? am__categories[idx]
                                                                     : category_of_norm(norm);
    am_free(norm);
    return cat;
}

/* An item that is several categories written with commas, slashes or "y" ("Manifestante,
 * estudiante", "periodista / activista"): their names into out, when every piece is a
 * category word; 0 (nothing written) otherwise. */
static size_t category_pieces(const struct am_mapping *map, struct am_arena *arena,
                              const char *item, const char **out)
{
    char *copy = am_arena_strdup(arena, item);
    size_t n = 0;
    char *p = copy;
    while (*p) {
        char *start = p, *end = NULL;
        for (; *p; p++) {
            if (*p == ',' || *p == '/') {
                end = p++;
                break;
            }
            if (*p == ' ' && (p[1] == 'y' || p[1] == 'Y' || p[1] == 'e' || p[1] == 'E') &&
                p[2] == ' ') {
                end = p;
                p += 3;
                break;
            }
        }
        if (!end)
            end = p;
        *end = '\0';
        const char *piece = trim(arena, start, 1);
        if (!piece)
            continue;
        const char *cat = category_of(map, piece);
        if (!cat)
            return 0;
        out[n++] = cat;
    }
    return n > 1 ? n : 0;
}

/* A status word through the mapping's own words, then ours: the status, -1 when
 * unknown, -2 when empty. */
static int status_lookup(const struct am_mapping *map, const char *word, int *event)
{
    int64_t st;
    *event = -1;
    char *norm = norm_dup(word);
    int s = am_strmap_get(&map->status_words, norm, &st) ? (int)st : status_of_norm(norm, event);
    am_free(norm);
    return s;
}

/*
 * A status cell that holds a status and its date: the longest known status words at its
 * start, then (after "el", "desde", "en fecha", "a partir del", a parenthesis or a dash)
 * a date. Returns 1 with *status, *event and *date (ISO, in arena); 0 when the cell is
 * not that; -1 when it is but the date is wrong (err says why, at the cell).
 */
static int status_with_date(const struct am_plan *plan, const struct am_list_row *row,
                            const struct cell *cl, struct am_arena *arena, int *status,
                            int *event, const char **date, struct am_err *err)
{
    const char *w = cl->v;
    size_t len = strlen(w);
    /* The longest status at the start: "Excarcelado con medidas cautelares el ...", not
     * "Excarcelado" and a date "con medidas ...". */
    for (size_t i = len - 1; i > 0; i--) {
        if (w[i] != ' ' && w[i] != '(' && w[i] != ',' && w[i] != '-')
            continue;
        char *head = am_arena_strndup(arena, w, i);
        int ev;
        int s = status_lookup(plan->map, head, &ev);
        if (s < 0)
            continue;
        /* The rest, without its connectors. */
        const char *rest = w + i;
        static const char *const connectors[] = {"a partir del ", "a partir de ", "en fecha ",
                                                 "el dia ", "el día ", "desde el ", "desde ",
                                                 "el ", "del ", "en ", "al "};
        for (int again = 1; again;) {
            again = 0;
            while (*rest == ' ' || *rest == '(' || *rest == ',' || *rest == '-' || *rest == ':')
                rest++;
            for (size_t k = 0; k < sizeof(connectors) / sizeof(connectors[0]); k++) {
                size_t n = strlen(connectors[k]);
                if (!strncasecmp(rest, connectors[k], n)) {
                    rest += n;
                    again = 1;
                    break;
                }
            }
        }
        size_t rn = strlen(rest);
        while (rn && (rest[rn - 1] == ')' || rest[rn - 1] == ' ' || rest[rn - 1] == '.'))
            rn--;
        int digit = 0;
        for (size_t k = 0; k < rn && !digit; k++)
            digit = isdigit((unsigned char)rest[k]) != 0;
        if (!digit)
            continue; /* not a date ("Detenido en Rodeo I" stays an unknown status) */
        char *text = am_arena_strndup(arena, rest, rn);
        char iso[11], why[128];
        why[0] = '\0';
        if (am__date_parse(text, plan->map->dates, iso, why, sizeof(why))) {
            if (!why[0] || !strncmp(why, "expected YYYY-MM-DD or DD/MM/YYYY", 33))
                snprintf(why, sizeof(why), "not a date");
            AM_FAIL_AT(err, AM_EINPUT, row->file, cl->line, cl->col,
                       "status '%s': the date '%s' after the status: %s; write the date in "
                       "status_date (YYYY-MM-DD or DD/MM/YYYY), or correct it",
                       w, text, why);
            return -1;
        }
        *status = s;
        *event = ev;
        *date = am_arena_strdup(arena, iso);
        return 1;
    }
    return 0;
}

int am_record_parse(const struct am_plan *plan, const struct am_catalog *catalog,
                    const struct am_list_row *row, struct am_arena *arena,
                    struct am_record *rec, struct am_err *err)
{
    const struct am_mapping *map = plan->map;
    struct cell c[AM__COL_COUNT];
    cells_of(plan, row, arena, c);
    memset(rec, 0, sizeof(*rec));
    rec->line = row->line;
    rec->status = -1;
    rec->status_event = -1;
    rec->list_id = c[AM_COL_LIST_ID].v;
    rec->nationality = c[AM_COL_NATIONALITY].v;
    rec->arrest_place = c[AM_COL_ARREST_PLACE].v;
    rec->state = c[AM_COL_STATE].v;
    rec->facility = c[AM_COL_FACILITY].v;
    rec->agency = c[AM_COL_AGENCY].v;
    rec->notes = c[AM_COL_NOTES].v;
    rec->charges_text = c[AM_COL_CHARGES].v;
    rec->measures_text = c[AM_COL_MEASURES].v;
    rec->categories_text = c[AM_COL_CATEGORIES].v;

    /* Names: verbatim, with the parts filled in from a full name when missing. */
    const struct cell *full = &c[AM_COL_FULL_NAME], *given = &c[AM_COL_GIVEN_NAMES],
                      *sur = &c[AM_COL_SURNAMES];
    rec->full_name = full->v;
    rec->given_names = given->v;
    rec->surnames = sur->v;
    if (given->v && sur->v) {
        rec->name_order = "split";
        if (!full->v)
            rec->full_name = join2(arena, given->v, sur->v);
    } else if (full->v) {
        struct am_name nm;
        am_name_parse(full->v, plan->order, arena, &nm);
        rec->name_order =
            nm.order == AM_ORDER_SURNAMES_FIRST ? "surnames_first" : "given_first";
        struct words w;
        split_words(arena, full->v, &w);
        if (!rec->given_names)
            rec->given_names = join_tokens(arena, &w, nm.given, nm.n_given, NULL);
        if (!rec->surnames) {
            const char *parts[5];
            int ns = 0;
            for (int i = 0; i < nm.n_surnames && i < 4; i++)
                parts[ns++] = nm.surnames[i];
            if (nm.married)
                parts[ns++] = am_arena_printf(arena, "de %s", nm.married);
            rec->surnames = join_tokens(arena, &w, parts, ns, NULL);
        }
    } else {
        const struct cell *at = full;
        if (plan->feed[AM_COL_FULL_NAME] < 0)
            at = given->v ? sur : given;
        return bad(err, row, at,
                   given->v || sur->v ? "only %s given, no %s; fill both given_names and "
                                        "surnames, or full_name"
                                      : "no name (%s%s); fill full_name, or given_names and "
                                        "surnames, or reject the row with --skip-bad",
                   given->v ? "given names" : sur->v ? "surnames" : "empty",
                   given->v ? "surnames" : sur->v ? "given names" : "");
    }

    /* Cédula: digits apart from the V/E kind. */
    /* "S/C", "N/A", "sin cédula": the list says it has none, which is not an error. */
    const char *ced_text = cedula_unlabelled(c[AM_COL_CEDULA].v);
    if (ced_text && !am_cedula_is_missing(ced_text) && !cedula_none(ced_text)) {
        struct am_cedula ced;
        char why[128];
        why[0] = '\0';
        if (am_cedula_parse(ced_text, &ced, why, sizeof(why))) {
            if (!why[0])
                snprintf(why, sizeof(why), "not a cédula");
            AM_FAIL_AT(err, AM_EINPUT, row->file, c[AM_COL_CEDULA].line, c[AM_COL_CEDULA].col,
                       "cedula '%s': %s; write V-12345678 (or E-, or the digits alone), or "
                       "leave it empty",
                       c[AM_COL_CEDULA].v, why);
            return -1;
        }
        rec->cedula_kind = ced.kind;
        rec->cedula = ced.number[0] ? am_arena_strdup(arena, ced.number) : NULL;
    }
    if (c[AM_COL_SEX].v && am_sex_parse(c[AM_COL_SEX].v, &rec->sex) < 0)
        return bad(err, row, &c[AM_COL_SEX],
                   "sex '%s' is not a sex word%s; write F or M (or femenino, masculino), or "
                   "leave it empty",
                   c[AM_COL_SEX].v, "");
    if (parse_date(plan, row, &c[AM_COL_BIRTH_DATE], AM_COL_BIRTH_DATE, arena, &rec->birth_date,
                   err) ||
        parse_date(plan, row, &c[AM_COL_ARREST_DATE], AM_COL_ARREST_DATE, arena,
                   &rec->arrest_date, err) ||
        parse_date(plan, row, &c[AM_COL_STATUS_DATE], AM_COL_STATUS_DATE, arena,
                   &rec->status_date, err) ||
        parse_date(plan, row, &c[AM_COL_RELEASE_DATE], AM_COL_RELEASE_DATE, arena,
                   &rec->release_date, err))
        return -1;

    /* Status: the mapping's own words first, then ours. */
    if (c[AM_COL_STATUS].v) {
        const char *w = c[AM_COL_STATUS].v;
        int ev = -1;
        int s = status_lookup(map, w, &ev);
        if (s == -1) {
            /* "Excarcelado el 15/01/2026", "Detenido desde 12-ago-2024": a status word and
             * its date in one cell. */
            const char *date = NULL;
            int r = status_with_date(plan, row, &c[AM_COL_STATUS], arena, &s, &ev, &date,
                                     err);
            if (r < 0)
                return -1;
            if (r > 0 && !rec->status_date)
                rec->status_date = date;
        }
        if (s == -1)
            return bad(err, row, &c[AM_COL_STATUS],
                       "unknown status word '%s'; use detained, disappeared, house_arrest, "
                       "released_with_measures, released, exiled, in_hiding, deceased or "
                       "unknown (or a Spanish word: docs/columns.md), or map it in the "
                       "mapping file: status \"%s\" -> STATUS, with the status it means",
                       w, w);
        if (s >= 0) {
            rec->status = s;
            rec->status_event = ev;
        }
    }

    const char *sens = c[AM_COL_SENSITIVITY].v;
    rec->sensitivity = "restricted";
    if (sens) {
        char *norm = norm_dup(sens);
        if (!strcmp(norm, "public") || !strcmp(norm, "publico") || !strcmp(norm, "publica"))
            rec->sensitivity = "public";
        else if (!strcmp(norm, "restricted") || !strcmp(norm, "restringido") ||
                 !strcmp(norm, "restringida"))
            rec->sensitivity = "restricted";
        else if (!strcmp(norm, "sealed") || !strcmp(norm, "sellado") ||
                 !strcmp(norm, "sellada") || !strcmp(norm, "reservado") ||
                 !strcmp(norm, "reservada") || !strcmp(norm, "confidencial"))
            rec->sensitivity = "sealed";
        else
            rec->sensitivity = NULL;
        am_free(norm);
        if (!rec->sensitivity)
            return bad(err, row, &c[AM_COL_SENSITIVITY],
                       "sensitivity '%s' is not public, restricted or sealed%s; use one of "
                       "them, or leave it empty (restricted)",
                       sens, "");
    }

    if (rec->charges_text) {
        const char **items;
        size_t n = am_catalog_split_charges(catalog, arena, rec->charges_text, &items);
        rec->charges = am_arena_alloc(arena, (n ? n : 1) * sizeof(*rec->charges));
        for (size_t i = 0; i < n; i++)
            am_catalog_charge(catalog, items[i], &rec->charges[i]);
        rec->n_charges = n;
    }
    if (rec->measures_text) {
        const char **items;
        size_t n = am_catalog_split_measures(catalog, arena, rec->measures_text, &items);
        rec->measures = am_arena_alloc(arena, (n ? n : 1) * sizeof(*rec->measures));
        for (size_t i = 0; i < n; i++)
            am_catalog_measure(catalog, items[i], &rec->measures[i]);
        rec->n_measures = n;
    }
    if (rec->categories_text) {
        const char **items;
        size_t n = am_split_list(arena, rec->categories_text, &items);
        /* Room for the pieces of items written "Manifestante, estudiante". */
        size_t room = n;
        for (const char *q = rec->categories_text; *q; q++)
            room += *q == ',' || *q == '/' || *q == ' ';
        rec->categories = am_arena_alloc(arena, (room ? room : 1) * sizeof(*rec->categories));
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            const char *cat = category_of(map, items[i]);
            if (cat) {
                rec->categories[k++] = cat;
                continue;
            }
            size_t got = category_pieces(map, arena, items[i], rec->categories + k);
            if (!got)
                return bad(err, row, &c[AM_COL_CATEGORIES],
                           "unknown category '%s'; use %s (or a Spanish word: "
                           "docs/columns.md), or map it: category \"WORD\" -> other",
                           items[i], category_list);
            k += got;
        }
        rec->n_categories = k;
    }
    return 0;
}

/* The columns a record's events are derived from. */
struct am_record_dates am_record_dates(const struct am_record *rec)
{
    return (struct am_record_dates){rec->arrest_date, rec->arrest_place, rec->facility,
                                    rec->status_date,  rec->release_date, rec->status,
                                    rec->status_event, rec->n_measures};
}
