// The archive's RSA step (WECOM.md §16): each item's random key is RSA-encrypted (PKCS#1 v1.5) with the corp's public
// key of `publickey_ver`; Pond opens it with the matching private key from the sealed settings. Node ≥ 20.11 refuses
// PKCS#1 v1.5 in privateDecrypt (CVE-2023-46809, the Marvin timing attack on servers that answer differently for bad
// padding), so the raw RSA is done with no padding and the v1.5 frame is read here; Pond never answers anyone about a
// key that did not open — a bad item stops the batch — so there is no padding oracle to time.
import { constants, createPrivateKey, privateDecrypt, type KeyObject } from 'node:crypto';

export class ArchiveKeyError extends Error {}

export function loadPrivateKey(pem: string): KeyObject {
  try {
    const k = createPrivateKey(pem);
    if (k.asymmetricKeyType !== 'rsa') throw new Error('not RSA');
    return k;
  } catch {
    throw new ArchiveKeyError('not an RSA private key in PEM (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----)');
  }
}

/** RSA-decrypts a base64 `encrypt_random_key` (PKCS#1 v1.5) to the random key string DecryptData takes. */
export function openRandomKey(key: KeyObject, encrypted: string): string {
  let em: Buffer;
  try {
    em = privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, Buffer.from(encrypted, 'base64'));
  } catch {
    throw new ArchiveKeyError('encrypt_random_key does not decrypt with this key');
  }
  // EM = 0x00 || 0x02 || PS (≥ 8 non-zero bytes) || 0x00 || M
  const sep = em.indexOf(0, 2);
  if (em[0] !== 0 || em[1] !== 2 || sep < 10) throw new ArchiveKeyError('encrypt_random_key does not decrypt with this key (padding)');
  return em.subarray(sep + 1).toString('utf8');
}
