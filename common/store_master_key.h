// Private to the store (store.cc): the master key (key file or passphrase)
// and the header record that keeps the data key wrapped under it:
//   ct = XChaCha20-Poly1305(master, nonce, data key, ad = "foyer/datakey/v1")
// The record is JSON: {"version":1,"mode":"keyfile"|"passphrase","nonce":hex,
// "ct":hex} plus, in passphrase mode, "salt":hex (16 bytes), "ops", "mem"
// (the Argon2id cost).
#ifndef FOYER_STORE_MASTER_KEY_H_
#define FOYER_STORE_MASTER_KEY_H_

#include <string>
#include <string_view>

#include "foyer/crypto.h"
#include "foyer/status.h"
#include "foyer/store.h"

namespace foyer {
namespace store_internal {

// For a new store: gets the master key (Argon2id of options.passphrase with a
// new salt; or else the key file at `key_file`, made 0600 when it does not
// exist), makes a random 32-byte data key, and returns the header record
// that wraps it.
Status CreateDataKey(const StoreOptions& options, const std::string& key_file,
                     crypto::Secret* data_key, std::string* header_record);

// For an existing store: unwraps the data key from `header_record`. Denied
// when the master key is wrong; Invalid when the store was made in the other
// mode (key file vs passphrase) or the key file is malformed; Denied when the
// key file is open to group or others; NotFound when it is missing.
Status OpenDataKey(const StoreOptions& options, const std::string& key_file,
                   std::string_view header_record, crypto::Secret* data_key);

// A master key file holds exactly 64 hex characters, optionally followed by
// one newline.
Status ReadKeyFile(const std::string& path, crypto::Secret* key);
// Writes a new random key file atomically (temporary file 0600, fsync,
// rename, fsync of the directory).
Status CreateKeyFile(const std::string& path, crypto::Secret* key);

}  // namespace store_internal
}  // namespace foyer

#endif  // FOYER_STORE_MASTER_KEY_H_
