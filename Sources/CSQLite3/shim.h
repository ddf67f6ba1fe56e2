#ifndef GATEHOUSE_CSQLITE3_SHIM_H
#define GATEHOUSE_CSQLITE3_SHIM_H
// SQLite 3 (libsqlite3-dev), the embedded binding store of the Registrar. SQLITE_TRANSIENT is a
// cast macro Swift cannot import: a constant stands in for it.
#include <sqlite3.h>

static const sqlite3_destructor_type GH_SQLITE_TRANSIENT = SQLITE_TRANSIENT;
#endif
