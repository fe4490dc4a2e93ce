// Errors the domain layer reports to views. `code` picks the message shown
// (see src/i18n/): invalid_name, bad_credentials, unreachable, bundle,
// invite_invalid, invite_refused, household_mismatch, no_key, key_changed,
// not_member, too_long, offline, or a request error code.
export class DomainError extends Error {
  constructor(code, message = '') {
    super(message || code);
    this.name = 'DomainError';
    this.code = code;
  }
}
