/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Internal to registry/: what one file of the module needs from another. The order of
 * events of one day lives in vocab.c with the event table; facts.c sorts by it.
 */
#ifndef AMNISTIA_REGISTRY_INT_H
#define AMNISTIA_REGISTRY_INT_H

#include "amnistia/registry.h"

/* The same-day order of an event type (AM_EVENT_TABLE's rank); 0 for an unknown type. */
int am__event_rank(int type);

#endif
