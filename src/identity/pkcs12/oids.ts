/** Object identifiers used by PKCS#12 (RFC 7292), PKCS#5 (RFC 8018) and PBMAC1 (RFC 9579), with readable names. */

export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  encryptedData: '1.2.840.113549.1.7.6',

  keyBag: '1.2.840.113549.1.12.10.1.1',
  pkcs8ShroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  crlBag: '1.2.840.113549.1.12.10.1.4',
  secretBag: '1.2.840.113549.1.12.10.1.5',
  safeContentsBag: '1.2.840.113549.1.12.10.1.6',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  sdsiCertificate: '1.2.840.113549.1.9.22.2',
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',

  pbeSha1Rc4_128: '1.2.840.113549.1.12.1.1',
  pbeSha1Rc4_40: '1.2.840.113549.1.12.1.2',
  pbeSha1TripleDes3Key: '1.2.840.113549.1.12.1.3',
  pbeSha1TripleDes2Key: '1.2.840.113549.1.12.1.4',
  pbeSha1Rc2_128: '1.2.840.113549.1.12.1.5',
  pbeSha1Rc2_40: '1.2.840.113549.1.12.1.6',

  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  pbmac1: '1.2.840.113549.1.5.14',
  hmacSha1: '1.2.840.113549.2.7',
  hmacSha224: '1.2.840.113549.2.8',
  hmacSha256: '1.2.840.113549.2.9',
  hmacSha384: '1.2.840.113549.2.10',
  hmacSha512: '1.2.840.113549.2.11',
  aes128Cbc: '2.16.840.1.101.3.4.1.2',
  aes192Cbc: '2.16.840.1.101.3.4.1.22',
  aes256Cbc: '2.16.840.1.101.3.4.1.42',
  desEde3Cbc: '1.2.840.113549.3.7',
  rc2Cbc: '1.2.840.113549.3.2',

  sha1: '1.3.14.3.2.26',
  sha224: '2.16.840.1.101.3.4.2.4',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',

  rsaEncryption: '1.2.840.113549.1.1.1',
  ecPublicKey: '1.2.840.10045.2.1',
  ed25519: '1.3.101.112',
} as const;

/** Names for OIDs seen in the wild, including ones localtls refuses (so errors can name them). */
const NAMES: Record<string, string> = {
  [OID.pbeSha1Rc4_128]: 'pbeWithSHAAnd128BitRC4',
  [OID.pbeSha1Rc4_40]: 'pbeWithSHAAnd40BitRC4',
  [OID.pbeSha1TripleDes3Key]: 'pbeWithSHAAnd3-KeyTripleDES-CBC',
  [OID.pbeSha1TripleDes2Key]: 'pbeWithSHAAnd2-KeyTripleDES-CBC',
  [OID.pbeSha1Rc2_128]: 'pbeWithSHAAnd128BitRC2-CBC',
  [OID.pbeSha1Rc2_40]: 'pbeWithSHAAnd40BitRC2-CBC',
  [OID.pbes2]: 'PBES2',
  [OID.pbkdf2]: 'PBKDF2',
  [OID.pbmac1]: 'PBMAC1',
  [OID.hmacSha1]: 'hmacWithSHA1',
  [OID.hmacSha224]: 'hmacWithSHA224',
  [OID.hmacSha256]: 'hmacWithSHA256',
  [OID.hmacSha384]: 'hmacWithSHA384',
  [OID.hmacSha512]: 'hmacWithSHA512',
  [OID.aes128Cbc]: 'aes-128-cbc',
  [OID.aes192Cbc]: 'aes-192-cbc',
  [OID.aes256Cbc]: 'aes-256-cbc',
  [OID.desEde3Cbc]: 'des-ede3-cbc',
  [OID.rc2Cbc]: 'rc2-cbc',
  [OID.sha1]: 'SHA-1',
  [OID.sha224]: 'SHA-224',
  [OID.sha256]: 'SHA-256',
  [OID.sha384]: 'SHA-384',
  [OID.sha512]: 'SHA-512',
  '1.2.840.113549.2.5': 'MD5',
  '1.2.840.113549.2.2': 'MD2',
  '2.16.840.1.101.3.4.2.5': 'SHA-512/224',
  '2.16.840.1.101.3.4.2.6': 'SHA-512/256',
  '1.2.840.113549.1.5.1': 'pbeWithMD2AndDES-CBC',
  '1.2.840.113549.1.5.3': 'pbeWithMD5AndDES-CBC',
  '1.2.840.113549.1.5.4': 'pbeWithMD2AndRC2-CBC',
  '1.2.840.113549.1.5.6': 'pbeWithMD5AndRC2-CBC',
  '1.2.840.113549.1.5.10': 'pbeWithSHA1AndDES-CBC',
  '1.2.840.113549.1.5.11': 'pbeWithSHA1AndRC2-CBC',
  '1.3.14.3.2.7': 'des-cbc',
  '2.16.840.1.101.3.4.1.6': 'aes-128-gcm',
  '2.16.840.1.101.3.4.1.46': 'aes-256-gcm',
  [OID.data]: 'data',
  [OID.signedData]: 'signedData',
  [OID.envelopedData]: 'envelopedData',
  [OID.encryptedData]: 'encryptedData',
  [OID.keyBag]: 'keyBag',
  [OID.pkcs8ShroudedKeyBag]: 'pkcs8ShroudedKeyBag',
  [OID.certBag]: 'certBag',
  [OID.crlBag]: 'crlBag',
  [OID.secretBag]: 'secretBag',
  [OID.safeContentsBag]: 'safeContentsBag',
  [OID.rsaEncryption]: 'rsaEncryption',
  [OID.ecPublicKey]: 'id-ecPublicKey',
  [OID.ed25519]: 'Ed25519',
  '1.3.101.113': 'Ed448',
  '1.3.101.110': 'X25519',
  '1.3.101.111': 'X448',
  '1.2.840.113549.1.1.10': 'RSASSA-PSS',
  '1.2.840.10040.4.1': 'DSA',
  '1.2.840.10046.2.1': 'DH',
};

/** "name (oid)" when the OID is known, else the dotted OID. */
export function oidName(oid: string): string {
  const name = NAMES[oid];
  return name ? `${name} (${oid})` : oid;
}

/** The bare name when known, else the dotted OID. */
export function shortName(oid: string): string {
  return NAMES[oid] ?? oid;
}
