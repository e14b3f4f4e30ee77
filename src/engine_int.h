/*
 * engine_int.h - engine internals shared only with the engine's own helper
 * modules (rawfeed.c): read access to the caps an engine was made with.
 */
#ifndef BT_ENGINE_INT_H
#define BT_ENGINE_INT_H

#include "engine.h"

/* The caps in force (defaults filled in); valid while e lives. */
const bt_caps *engine_caps(const engine *e);

#endif
