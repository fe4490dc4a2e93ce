// Typed access to JSON fields of protocol objects. Each getter returns the
// value or throws a FieldError naming the field, so that parsers read as a
// list of fields.
import { validHexId, validUserName } from './names.js';
import { fromB64 } from './sodium.js';

export class FieldError extends Error {}

export function requireObject(value, what) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new FieldError(`${what} must be a JSON object`);
  }
}

export function getUint(object, field, max = Number.MAX_SAFE_INTEGER) {
  const value = object[field];
  if (!Number.isSafeInteger(value) || value < 0 || value > max) {
    throw new FieldError(`field '${field}' must be an integer in 0..${max}`);
  }
  return value;
}

export function getEpoch(object, field) {
  const value = getUint(object, field, 0xffffffff);
  if (value === 0) throw new FieldError(`field '${field}' must be in 1..4294967295`);
  return value;
}

export function getHexId(object, field) {
  const value = object[field];
  if (!validHexId(value)) throw new FieldError(`field '${field}' must be 32 lowercase hex`);
  return value;
}

export function getUserName(object, field) {
  const value = object[field];
  if (!validUserName(value)) throw new FieldError(`field '${field}' must be a valid user name`);
  return value;
}

export function getB64(object, field, minBytes, maxBytes) {
  const bytes = fromB64(object[field]);
  if (bytes === null) throw new FieldError(`field '${field}' must be b64`);
  if (bytes.length < minBytes || bytes.length > maxBytes) {
    throw new FieldError(`field '${field}' must decode to ${minBytes}..${maxBytes} bytes`);
  }
  return bytes;
}

export function checkOnlyFields(object, allowed) {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) throw new FieldError(`unknown field '${key}'`);
  }
}
