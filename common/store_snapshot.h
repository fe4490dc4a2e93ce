// Private to the store: the LevelDB snapshot behind Store::ExportSnapshot.
#ifndef FOYER_STORE_SNAPSHOT_H_
#define FOYER_STORE_SNAPSHOT_H_

#include <memory>
#include <string_view>

#include "foyer/status.h"
#include "foyer/store.h"

namespace leveldb {
class DB;
}

namespace foyer {
namespace store_internal {

// Takes a snapshot of `db` (which must outlive it) and counts its records;
// the record `skip_key` (the store's sync marker) is left out.
Status NewLevelDbSnapshot(leveldb::DB* db, std::string_view skip_key,
                          std::unique_ptr<StoreSnapshot>* snapshot);

}  // namespace store_internal
}  // namespace foyer

#endif  // FOYER_STORE_SNAPSHOT_H_
