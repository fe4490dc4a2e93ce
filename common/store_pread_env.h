// The LevelDB environment of the store: LevelDB's default one, except that
// table files are read with pread() instead of mmap() (see store_pread_env.cc).
#ifndef FOYER_STORE_PREAD_ENV_H_
#define FOYER_STORE_PREAD_ENV_H_

#include <leveldb/env.h>

namespace foyer {

// Never destroyed, as leveldb::Env::Default(); safe from any thread.
leveldb::Env* TableReadingEnv();

}  // namespace foyer

#endif  // FOYER_STORE_PREAD_ENV_H_
