/** The certificate-authority layer's public surface. */
export { CertificateAuthority, type CreateAuthorityOptions, type IssueOptions, type SignOptions, type SignedCertificate, type RollOverOptions, type RollOverState } from './certificate-authority.js';
export { createSigningRequest, parseSigningRequest, type SigningRequest, type SigningRequestOptions, type ParsedSigningRequest } from './signing-request.js';
export { lintCertificate, type LintFinding, type LintOptions, type LintPlatform } from './lint.js';
export { LOCAL_NAME_CONSTRAINTS, type NameConstraintsSpec } from './name-constraints.js';
export { DEFAULT_CA_VALIDITY_DAYS, DEFAULT_LEAF_VALIDITY_DAYS, MAX_LEAF_VALIDITY_DAYS } from './validity.js';
