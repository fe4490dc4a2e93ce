// The web client's crypto layer (docs/protocol.md §2-§5, §7), byte-compatible
// with client-lib. Await `ready()` before using anything else.
export * from './sodium.js';
export * from './names.js';
export * from './keys.js';
export * from './login.js';
export * from './envelope.js';
export * from './key_envelope.js';
export * from './invite.js';
export * from './file.js';
